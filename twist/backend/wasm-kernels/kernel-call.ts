import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Calls a kernel of `backendName` directly (no tape, no engine bookkeeping). The result must be freed
 * with {@link freeTensors} unless it is returned from a kernel.
 * @throws Error when the backend has no such kernel.
 */
export function callKernel(
  backend: object,
  backendName: string,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (!kernel) throw new Error(`backend ${backendName} has no kernel ${kernelName}`);
  const out = kernel.kernelFunc({ inputs, backend: backend, attrs });
  if (Array.isArray(out)) throw new Error(`kernel ${kernelName} returned several outputs`);
  return out;
}

/** Frees intermediate tensors created by {@link callKernel}. */
export function freeTensors(backend: object, ...tensors: TensorInfo[]): void {
  for (const t of tensors) (backend as KernelBackend).disposeData(t.dataId);
}

/** Reads a tensor's host values synchronously (the wasm heap or the cpu store). */
export function readValues(backend: object, t: TensorInfo): Float32Array | Int32Array | Uint8Array {
  return (backend as KernelBackend).readSync(t.dataId) as Float32Array | Int32Array | Uint8Array;
}

/** Stores host values as a new kernel-level tensor. */
export function writeValues(
  backend: object,
  shape: number[],
  values: Float32Array | Int32Array,
  dtype: 'float32' | 'int32',
): TensorInfo {
  return { dataId: (backend as KernelBackend).write(values, shape, dtype), shape, dtype };
}
