import type { KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { readValues, writeValues } from './kernel-call.js';
import { KernelUnsupportedError } from '../../../core/index.js';

/**
 * `UnsortedSegmentSum` (the gradient of `gather`): out[id, ...] += x[i, ...] for every leading index
 * i whose segment id is in [0, numSegments); other ids are dropped, as TensorFlow does. One linear
 * pass over x on the host; the data is O(N), so this is memory-bound either way.
 * @throws KernelUnsupportedError when the segment ids' shape is not a prefix of x's.
 */
export function unsortedSegmentSumKernel(): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const lead = segmentIds.shape.length;
    if (!segmentIds.shape.every((d, i) => d === x.shape[i])) {
      throw new KernelUnsupportedError(
        `UnsortedSegmentSum: segment ids of shape [${segmentIds.shape.join(',')}] are not a prefix of x's [${x.shape.join(',')}]`,
      );
    }
    const inner = x.shape.slice(lead).reduce((a, b) => a * b, 1);
    const xs = readValues(backend, x);
    const ids = readValues(backend, segmentIds);
    const out =
      x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= numSegments) continue;
      const src = i * inner;
      const dst = id * inner;
      for (let k = 0; k < inner; k++) out[dst + k]! += xs[src + k]!;
    }
    const shape = [numSegments, ...x.shape.slice(lead)];
    return writeValues(backend, shape, out, x.dtype === 'int32' ? 'int32' : 'float32');
  };
}
