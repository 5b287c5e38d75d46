import { InvalidArgumentError, dtypeBytes, type StateDtype, type StateTensor } from '../core/index.js';

/** Every tensor starts on this many bytes in the flat state, and range cuts fall on it too. */
export const FLAT_ALIGN = 8;

/** Where one tensor lies in the flat state. */
export interface FlatEntry {
  name: string;
  dtype: StateDtype;
  shape: number[];
  layout: string;
  /** Byte offset in the flat state. */
  offset: number;
  /** Bytes of data (without the alignment padding after it). */
  bytes: number;
}

/** The flat state: all tensors one after another in a fixed order, each aligned. */
export interface FlatLayout {
  entries: FlatEntry[];
  totalBytes: number;
}

/** A part of one tensor: `bytes` bytes from `tensorOffset` within it, at `flatOffset` in the flat state. */
export interface TensorPiece {
  name: string;
  tensorOffset: number;
  flatOffset: number;
  bytes: number;
}

const align = (n: number): number => Math.ceil(n / FLAT_ALIGN) * FLAT_ALIGN;

/**
 * Lays tensors out in the given order (which every rank must share).
 * @throws InvalidArgumentError on a duplicate name or a size that does not match the shape.
 */
export function planLayout(tensors: readonly Omit<StateTensor, 'data'>[]): FlatLayout {
  const seen = new Set<string>();
  let offset = 0;
  const entries = tensors.map((t) => {
    if (seen.has(t.name)) throw new InvalidArgumentError(`checkpoint: tensor ${t.name} appears twice`);
    seen.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count) || count < 0)
      throw new InvalidArgumentError(`checkpoint: tensor ${t.name} has a bad shape [${t.shape.join(',')}]`);
    const e: FlatEntry = {
      name: t.name,
      dtype: t.dtype,
      shape: [...t.shape],
      layout: t.layout,
      offset,
      bytes: count * dtypeBytes(t.dtype),
    };
    offset = align(offset + e.bytes);
    return e;
  });
  return { entries, totalBytes: offset };
}

/** Splits `total` bytes into `n` nearly equal aligned ranges `[start, end)` (some may be empty). */
export function splitRanges(total: number, n: number): [number, number][] {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`world size must be ≥ 1, got ${n}`);
  const units = total / FLAT_ALIGN;
  const out: [number, number][] = [];
  for (let r = 0; r < n; r++) {
    const start = Math.floor((units * r) / n) * FLAT_ALIGN;
    const end = Math.floor((units * (r + 1)) / n) * FLAT_ALIGN;
    out.push([start, end]);
  }
  return out;
}

/** The pieces of tensors that fall in the flat byte range `[start, end)`, in flat order. */
export function piecesIn(layout: FlatLayout, start: number, end: number): TensorPiece[] {
  const out: TensorPiece[] = [];
  for (const e of layout.entries) {
    const a = Math.max(start, e.offset);
    const b = Math.min(end, e.offset + e.bytes);
    if (b > a) out.push({ name: e.name, tensorOffset: a - e.offset, flatOffset: a, bytes: b - a });
  }
  return out;
}
