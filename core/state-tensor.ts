import { InvalidArgumentError } from './errors.js';

/** Element types a checkpoint stores; all little-endian. */
export const STATE_DTYPES = ['float32', 'float64', 'int32', 'uint32'] as const;
export type StateDtype = (typeof STATE_DTYPES)[number];

export type StateArray = Float32Array | Float64Array | Int32Array | Uint32Array;

/**
 * One named tensor of a training state: parameters, BN buffers, optimizer state, EMA teacher, RNG
 * and sampler state. `layout` says how the array differs from PyTorch's (`HWIO` conv filters, `IO`
 * linear weights, `same` otherwise); exports use it.
 */
export interface StateTensor {
  name: string;
  dtype: StateDtype;
  shape: number[];
  layout: string;
  data: StateArray;
}

/** Bytes per element of `dtype`. */
export function dtypeBytes(dtype: StateDtype): number {
  return dtype === 'float64' ? 8 : 4;
}

/** An array of `dtype` holding a copy of `bytes`. */
export function arrayOf(dtype: StateDtype, bytes: Uint8Array): StateArray {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'uint32':
      return new Uint32Array(buf);
  }
}

/**
 * An array of `dtype` viewing `bytes` (no copy); `bytes` must start on a multiple of the element
 * size in its buffer, as the checkpoints' aligned layout guarantees.
 */
export function viewOf(dtype: StateDtype, bytes: Uint8Array): StateArray {
  const { buffer, byteOffset, byteLength } = bytes;
  const n = byteLength / dtypeBytes(dtype);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, n);
    case 'float64':
      return new Float64Array(buffer, byteOffset, n);
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, n);
  }
}

/** The dtype of a typed array. */
export function dtypeOf(data: StateArray): StateDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint32';
}

/**
 * A state tensor from a typed array (the dtype is the array's).
 * @throws InvalidArgumentError when the shape does not hold the array's length.
 */
export function stateTensor(
  name: string,
  data: StateArray,
  shape: number[] = [data.length],
  layout = 'same',
): StateTensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new InvalidArgumentError(
      `state tensor ${name}: ${data.length} values for shape [${shape.join(',')}]`,
    );
  return { name, dtype: dtypeOf(data), shape, layout, data };
}
