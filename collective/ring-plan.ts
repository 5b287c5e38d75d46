/** `[start, end)` element ranges of the N segments of a buffer of `length` elements (nearly equal; some may be empty). */
export function ringSegments(length: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < n; k++) out.push([Math.floor((length * k) / n), Math.floor((length * (k + 1)) / n)]);
  return out;
}

/** Number of chunks of at most `chunkElems` elements in `[start, end)`. */
export function chunkCount([start, end]: [number, number], chunkElems: number): number {
  return Math.ceil((end - start) / chunkElems);
}

/** `x mod n` in [0, n). */
export function mod(x: number, n: number): number {
  return ((x % n) + n) % n;
}

/**
 * The ring schedule of rank `r` of `n`: at step g it sends segment (r − g) mod n to rank r+1 and
 * receives segment (r − g − 1) mod n from rank r−1. The segment sent at step g+1 is the one received
 * at step g, so each received chunk is forwarded at once (pipelining). All-reduce runs 2(n−1) steps
 * (reduce-scatter, then all-gather), all-gather the last n−1.
 */
export function ringStep(r: number, n: number, g: number): { send: number; recv: number } {
  return { send: mod(r - g, n), recv: mod(r - g - 1, n) };
}
