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

/** How a received chunk is combined into the buffer. */
export const Combine = { copy: 0, sum: 1, sumDivide: 2, max: 3 } as const;
export type CombineKind = (typeof Combine)[keyof typeof Combine];

/** Ints per plan item. */
export const PLAN_ITEM = 5;

/**
 * The frames of one operation on one rank, in order (the schedule both data planes run):
 * - `recv`: per frame received, `[step, chunk, first element, elements, combine]` ({@link Combine});
 * - `send`: per frame sent, `[step, chunk, first element, elements, need]`: it goes once the first
 *   `need` frames of `recv` are in and combined.
 */
export interface OpPlan {
  recv: Int32Array;
  send: Int32Array;
}

/** Largest buffer a plan addresses (elements; int32 offsets). */
export const MAX_PLAN_ELEMENTS = 2 ** 31 - 1;

/**
 * The ring ({@link ringStep}) over `segs` for `steps` steps in chunks of `chunkElems`: this rank's
 * step-0 segment is sent whole at once; each chunk received at step g is combined with
 * `combineAt(g)` and forwarded at step g+1.
 */
export function ringPlan(
  rank: number,
  n: number,
  segs: readonly [number, number][],
  steps: number,
  chunkElems: number,
  combineAt: (g: number) => CombineKind,
): OpPlan {
  const recv: number[] = [];
  const send: number[] = [];
  const chunks = (seg: [number, number], f: (c: number, at: number, elems: number) => void): void => {
    for (let c = 0; c < chunkCount(seg, chunkElems); c++) {
      const at = seg[0] + c * chunkElems;
      f(c, at, Math.min(seg[1], at + chunkElems) - at);
    }
  };
  chunks(segs[ringStep(rank, n, 0).send]!, (c, at, elems) => send.push(0, c, at, elems, 0));
  for (let g = 0; g < steps; g++) {
    const how = combineAt(g);
    chunks(segs[ringStep(rank, n, g).recv]!, (c, at, elems) => {
      recv.push(g, c, at, elems, how);
      if (g + 1 < steps) send.push(g + 1, c, at, elems, recv.length / PLAN_ITEM);
    });
  }
  return { recv: Int32Array.from(recv), send: Int32Array.from(send) };
}

/** Every rank's `k` values gathered into a buffer of n·k, rank by rank (the ring's all-gather half). */
export function allGatherPlan(rank: number, n: number, k: number, chunkElems: number): OpPlan {
  const segs = Array.from({ length: n }, (_, i): [number, number] => [i * k, (i + 1) * k]);
  return ringPlan(rank, n, segs, n - 1, chunkElems, () => Combine.copy);
}

/**
 * A chunked pipeline from `root` along the ring: every rank but the root receives each chunk, and
 * every rank whose right neighbour is not the root forwards it (the root sends them all at once).
 */
export function broadcastPlan(
  rank: number,
  n: number,
  length: number,
  root: number,
  chunkElems: number,
): OpPlan {
  const recv: number[] = [];
  const send: number[] = [];
  const forward = mod(rank + 1, n) !== root;
  for (let c = 0; c < chunkCount([0, length], chunkElems); c++) {
    const at = c * chunkElems;
    const elems = Math.min(length, at + chunkElems) - at;
    if (rank !== root) recv.push(0, c, at, elems, Combine.copy);
    if (rank === root) send.push(0, c, at, elems, 0);
    else if (forward) send.push(0, c, at, elems, c + 1);
  }
  return { recv: Int32Array.from(recv), send: Int32Array.from(send) };
}
