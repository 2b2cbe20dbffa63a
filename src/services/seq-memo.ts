/**
 * Answers worked out at one catalog seq, kept until the catalog moves on: a list asked again before the next
 * change is the same list, so it is not scanned, joined and tagged again. Any change empties the memo, which makes
 * it exact without knowing which answers a change touched; it holds at most `maxAnswers` (then starts over).
 */
export class SeqMemo<Answer> {
  private seq = -1;
  private readonly answers = new Map<string, Answer>();

  constructor(private readonly maxAnswers: number) {}

  answer(seq: number, key: string, work: () => Answer): Answer {
    if (seq !== this.seq) {
      this.answers.clear();
      this.seq = seq;
    }
    let answer = this.answers.get(key);
    if (answer === undefined) {
      if (this.answers.size >= this.maxAnswers) this.answers.clear();
      answer = work();
      this.answers.set(key, answer);
    }
    return answer;
  }
}
