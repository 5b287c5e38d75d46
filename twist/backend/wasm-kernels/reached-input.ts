import type { TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { callKernel } from './kernel-call.js';

/** The part of a convolution's input its windows reach, and the padding that completes it. */
export interface ReachedInput {
  /** `x`, or a new slice of it that the caller must free (listed in `temps`). */
  x: TensorInfo;
  temps: TensorInfo[];
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * For a filter gradient computed as a convolution over the input: the explicit padding (top, bottom,
 * left, right) under which the windows exactly cover the padded input, cropping the rows/columns
 * that VALID padding with a remainder never reaches.
 */
export function reachedInput(
  backend: object,
  backendName: string,
  x: TensorInfo,
  info: backend_util.Conv2DInfo,
): ReachedInput {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = fh + sh * (OH - 1) - H - top;
  const right = fw + sw * (OW - 1) - W - left;
  if (bottom >= 0 && right >= 0) return { x, temps: [], top, bottom, left, right };
  const cropped = callKernel(
    backend,
    backendName,
    'Slice',
    { x },
    {
      begin: [0, 0, 0, 0],
      size: [x.shape[0]!, H + Math.min(bottom, 0), W + Math.min(right, 0), x.shape[3]!],
    },
  );
  return { x: cropped, temps: [cropped], top, bottom: Math.max(bottom, 0), left, right: Math.max(right, 0) };
}
