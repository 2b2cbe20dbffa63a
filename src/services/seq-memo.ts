/**
 * Answers worked out at one catalog seq, kept until the catalog moves on: a list asked again before the next
 * change is the same list, so it is not scanned, joined and tagged again. Any change empties the memo, which makes
 * it exact without knowing which answers a change touched. It holds at most `maxAnswers` answers and `maxBytes`
 * of them (then starts over); an answer larger than `maxBytes` alone is given, not kept.
 */
export class SeqMemo<Answer> {
  private seq = -1;
  private readonly answers = new Map<string, Answer>();
  private bytes = 0;

  constructor(
    private readonly maxAnswers: number,
    private readonly maxBytes: number,
    private readonly sizeOf: (answer: Answer) => number,
  ) {}

  answer(seq: number, key: string, work: () => Answer): Answer {
    if (seq !== this.seq) {
      this.clear();
      this.seq = seq;
    }
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept;
    const answer = work();
    const size = this.sizeOf(answer);
    if (size > this.maxBytes) return answer;
    if (this.answers.size >= this.maxAnswers || this.bytes + size > this.maxBytes) this.clear();
    this.answers.set(key, answer);
    this.bytes += size;
    return answer;
  }

  private clear(): void {
    this.answers.clear();
    this.bytes = 0;
  }
}
