import type { Random } from '../../core/index.js';

/** A crop box in source pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`: up to 10 attempts with area ~ U(scale)·H·W and a
 * log-uniform aspect ratio, accepted when the box fits; else a centre crop clamped to the ratio range.
 */
export function randomResizedCropBox(
  rng: Random,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number] = [3 / 4, 4 / 3],
): CropBox {
  const area = height * width;
  const logR0 = Math.log(ratio[0]);
  const logR1 = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logR0, logR1));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Keys's cubic convolution weight with a = −0.5 (PIL's bicubic). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/**
 * Resamples the crop `box` of a single-channel byte image (`src`, row-major `srcH`×`srcW`) to
 * `outH`×`outW` floats in [0, 1] with bicubic interpolation (pixel centres aligned, borders
 * replicated), mirrored horizontally when `flip`. Writes into `out` at `outOffset`; allocates nothing.
 */
export function resizeCropGray(
  src: Uint8Array,
  srcOffset: number,
  srcH: number,
  srcW: number,
  box: CropBox,
  out: Float32Array,
  outOffset: number,
  outH: number,
  outW: number,
  flip: boolean,
): void {
  const sy = box.height / outH;
  const sx = box.width / outW;
  for (let oy = 0; oy < outH; oy++) {
    const fy = box.top + (oy + 0.5) * sy - 0.5;
    const y0 = Math.floor(fy);
    const dy = fy - y0;
    const wy0 = cubic(1 + dy);
    const wy1 = cubic(dy);
    const wy2 = cubic(1 - dy);
    const wy3 = cubic(2 - dy);
    const r0 = srcOffset + Math.min(Math.max(y0 - 1, 0), srcH - 1) * srcW;
    const r1 = srcOffset + Math.min(Math.max(y0, 0), srcH - 1) * srcW;
    const r2 = srcOffset + Math.min(Math.max(y0 + 1, 0), srcH - 1) * srcW;
    const r3 = srcOffset + Math.min(Math.max(y0 + 2, 0), srcH - 1) * srcW;
    for (let ox = 0; ox < outW; ox++) {
      const fx = box.left + ((flip ? outW - 1 - ox : ox) + 0.5) * sx - 0.5;
      const x0 = Math.floor(fx);
      const dx = fx - x0;
      let v = 0;
      for (let k = -1; k <= 2; k++) {
        const c = Math.min(Math.max(x0 + k, 0), srcW - 1);
        const wx = cubic(k - dx);
        v += wx * (wy0 * src[r0 + c]! + wy1 * src[r1 + c]! + wy2 * src[r2 + c]! + wy3 * src[r3 + c]!);
      }
      const p = v / 255;
      out[outOffset + oy * outW + ox] = p < 0 ? 0 : p > 1 ? 1 : p;
    }
  }
}
