import { SeqMemo } from '../../services/seq-memo.js';

/** The memo of list answers: kept while the seq stands, within its count and byte bounds. */
describe('the answer memo of one seq', () => {
  const counting = () => {
    const worked: string[] = [];
    const work = (key: string, text: string) => () => (worked.push(key), text);
    return { worked, work };
  };

  it('answers a key asked again at the same seq without working it out again, and again after the seq moves', () => {
    const memo = new SeqMemo<string>(10, 1000, (answer) => answer.length);
    const { worked, work } = counting();
    expect(memo.answer(5, 'a', work('a', 'first'))).toBe('first');
    expect(memo.answer(5, 'a', work('a', 'other'))).toBe('first');
    expect(memo.answer(6, 'a', work('a', 'second'))).toBe('second');
    expect(worked).toEqual(['a', 'a']);
  });

  it('keeps no more answers or bytes than it may, and never an answer larger than its budget', () => {
    const memo = new SeqMemo<string>(2, 10, (answer) => answer.length);
    const { worked, work } = counting();
    memo.answer(1, 'a', work('a', 'aaaa'));
    memo.answer(1, 'b', work('b', 'bbbb'));
    memo.answer(1, 'c', work('c', 'cccc')); // a third answer: starts over, keeping c
    memo.answer(1, 'c', work('c', 'cccc'));
    memo.answer(1, 'a', work('a', 'aaaa'));
    expect(worked).toEqual(['a', 'b', 'c', 'a']);
    memo.answer(1, 'd', work('d', 'ddddddd')); // 8 + 7 bytes > 10: starts over
    memo.answer(1, 'c', work('c', 'cccc'));
    expect(worked).toEqual(['a', 'b', 'c', 'a', 'd', 'c']);
    expect(memo.answer(1, 'huge', work('huge', 'x'.repeat(11)))).toHaveLength(11);
    memo.answer(1, 'huge', work('huge', 'x'.repeat(11)));
    memo.answer(1, 'c', work('c', 'cccc')); // still kept: the huge answer displaced nothing
    expect(worked).toEqual(['a', 'b', 'c', 'a', 'd', 'c', 'huge', 'huge']);
  });
});
