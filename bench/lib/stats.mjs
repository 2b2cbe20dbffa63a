// Percentiles and ratios.
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(values) {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

export const ratio = (ours, baseline) => Math.round((ours / baseline) * 100) / 100;
export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
