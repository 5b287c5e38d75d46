import { InvalidArgumentError, type StateTensor } from '../core/index.js';
import { piecesIn, type FlatLayout } from './flat-layout.js';

const ZEROS = new Uint8Array(64);

/**
 * The flat byte range `[start, end)` of `tensors` (in `layout`'s order) as a list of byte views of
 * the tensors themselves (alignment padding as zeros): what a synchronous save writes, with no copy.
 * @throws InvalidArgumentError when a tensor is missing or has another size than the layout's.
 */
export function rangeViews(
  layout: FlatLayout,
  tensors: ReadonlyMap<string, StateTensor>,
  start: number,
  end: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sizes = new Map(layout.entries.map((e) => [e.name, e.bytes]));
  let at = start;
  for (const p of piecesIn(layout, start, end)) {
    const t = tensors.get(p.name);
    if (!t) throw new InvalidArgumentError(`checkpoint: no tensor ${p.name} in the state to save`);
    if (t.data.byteLength !== sizes.get(p.name))
      throw new InvalidArgumentError(
        `checkpoint: tensor ${p.name} has ${t.data.byteLength} bytes, the layout ${sizes.get(p.name)}`,
      );
    if (p.flatOffset > at) out.push(ZEROS.subarray(0, p.flatOffset - at));
    out.push(new Uint8Array(t.data.buffer, t.data.byteOffset + p.tensorOffset, p.bytes));
    at = p.flatOffset + p.bytes;
  }
  if (end > at) out.push(ZEROS.subarray(0, end - at));
  return out;
}

/**
 * Copies the flat byte range `[start, end)` into one buffer (`into` when given, reused between
 * saves): the host copy a trainer makes before returning to training.
 * @throws InvalidArgumentError as {@link rangeViews}, or when `into` has another size.
 */
export function snapshotRange(
  layout: FlatLayout,
  tensors: ReadonlyMap<string, StateTensor>,
  start: number,
  end: number,
  into?: Uint8Array,
): Uint8Array {
  const out = into ?? new Uint8Array(end - start);
  if (out.length !== end - start)
    throw new InvalidArgumentError(
      `checkpoint: snapshot buffer of ${out.length} bytes for a ${end - start}-byte range`,
    );
  let o = 0;
  for (const v of rangeViews(layout, tensors, start, end)) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}
