/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Median of unsorted numbers. */
export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Summarises per-operation latencies (ms) and the wall time of a run. */
export function summarize(latenciesMs, wallMs) {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    count: sorted.length,
    wallMs,
    perSecond: (sorted.length / wallMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}
