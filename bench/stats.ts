/** Summary statistics of the benchmarks' repeated measurements. */

/** The arithmetic mean (0 of an empty list). */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The median: the middle value, or the mean of the two middle ones of an even count (NaN if empty). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.floor(s.length / 2)]!) / 2;
};
