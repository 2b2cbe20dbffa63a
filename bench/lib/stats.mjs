// Percentiles and rounding.
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** p50, p99 and max of latencies in milliseconds, to the microsecond. */
export function summary(values) {
  const max = values.reduce((highest, value) => (value > highest ? value : highest), -Infinity);
  return {
    p50: round(percentile(values, 50), 3),
    p99: round(percentile(values, 99), 3),
    max: values.length ? round(max, 3) : NaN,
  };
}

export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
