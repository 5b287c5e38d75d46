import type { BatchMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { callKernel, freeTensors } from './kernel-call.js';

function transposeLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Wraps the backend's `BatchMatMul` so that transposed operands are transposed explicitly first:
 * tfjs-wasm runs XNNPACK only without transpose flags and falls into a loop 12–17× slower with them,
 * and every dense layer's gradient sets them. Results are bit-identical.
 */
export function batchMatMulKernel(backendName: string, original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const temps: TensorInfo[] = [];
    const aa = transposeA
      ? callKernel(backend, backendName, 'Transpose', { x: a }, { perm: transposeLastTwo(a.shape.length) })
      : a;
    const bb = transposeB
      ? callKernel(backend, backendName, 'Transpose', { x: b }, { perm: transposeLastTwo(b.shape.length) })
      : b;
    if (transposeA) temps.push(aa);
    if (transposeB) temps.push(bb);
    const out = original({
      inputs: { a: aa, b: bb },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    freeTensors(backend, ...temps);
    return out;
  };
}
