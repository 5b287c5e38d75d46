import type { ParamLayout } from '../twist/index.js';

/** PyTorch's shape for a stored array of `layout`: HWIO filters → OIHW, IO weights → [out, in]. */
export function torchShape(shape: readonly number[], layout: ParamLayout): number[] {
  if (layout === 'HWIO') return [shape[3]!, shape[2]!, shape[0]!, shape[1]!];
  if (layout === 'IO') return [shape[1]!, shape[0]!];
  return [...shape];
}

/** Reorders a stored array into PyTorch's row-major layout (a copy). */
export function toTorchLayout(
  values: Float32Array,
  shape: readonly number[],
  layout: ParamLayout,
): Float32Array {
  if (layout === 'same') return Float32Array.from(values);
  const out = new Float32Array(values.length);
  if (layout === 'IO') {
    const [fin, fout] = shape as [number, number];
    for (let i = 0; i < fin; i++) for (let o = 0; o < fout; o++) out[o * fin + i] = values[i * fout + o]!;
    return out;
  }
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++)
          out[((o * ci + c) * kh + y) * kw + x] = values[((y * kw + x) * ci + c) * co + o]!;
  return out;
}
