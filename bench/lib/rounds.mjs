// Rounds: every server measured several times, alternating, and each figure reported as the median of its
// rounds with the spread (lowest–highest). A round's figures stay together in the raw results; no figure is
// ever picked as the best round for that figure.
import { round } from './stats.mjs';

/** The order of the servers in each round: forwards, then backwards, so none always runs first or last. */
export function alternating(kinds, rounds, offset = 0) {
  return Array.from({ length: rounds }, (_, index) =>
    (index + offset) % 2 === 0 ? [...kinds] : [...kinds].reverse(),
  );
}

/** Median and spread of a figure over rounds (NaN figures, from a round that measured nothing, are left out). */
export function spread(values, digits = 2) {
  const known = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (known.length === 0) return { median: NaN, min: NaN, max: NaN, rounds: values };
  const middle = Math.floor(known.length / 2);
  const median = known.length % 2 === 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
  return {
    median: round(median, digits),
    min: round(known[0], digits),
    max: round(known.at(-1), digits),
    rounds: values.map((value) => round(value, digits)),
  };
}

/**
 * Ours ÷ a baseline, round by round (round k of ours against round k of the baseline, which ran next to it),
 * then the median and spread of those ratios.
 */
export function pairedRatio(ours, baseline, pick) {
  return spread(ours.map((run, index) => pick(run) / pick(baseline[index])));
}

/** "median (min–max)" for tables. */
export const withSpread = (figure, unit = '') =>
  Number.isFinite(figure.median) ? `${figure.median}${unit} (${figure.min}–${figure.max})` : '—';
