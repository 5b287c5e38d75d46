import * as tf from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import type { TorchAddon } from './torch-addon.js';

type DType = 'float32' | 'int32' | 'bool';
const CODE: Record<DType, number> = { float32: 0, int32: 1, bool: 2 };
const DTYPES: DType[] = ['float32', 'int32', 'bool'];

interface TorchData {
  /** The addon's handle (0 while `deferred`). */
  handle: number;
  refCount: number;
  /** A deferred kernel's output not yet computed (see {@link TorchBackend.deferred}). */
  deferred?: { compute: () => tf.TensorInfo; inputs: readonly tf.TensorInfo[] };
}

/** A tensor a kernel returns: tfjs's TensorInfo of a torch-held tensor. */
export type TorchInfo = tf.TensorInfo;

/**
 * tfjs's `torch` backend: tensor storage is ATen tensors held by the native addon (one handle per
 * tfjs data id), kernels run ATen (./torch-kernels.ts). Only float32, int32 and bool tensors exist
 * here; a string or complex tensor is a KernelUnsupportedError.
 *
 * It can defer kernels (twist's `DeferringBackend`): a deferred kernel's output is a tensor whose
 * data is computed on its first use, on {@link runDeferred}, or never if it is disposed first.
 */
export class TorchBackend extends tf.KernelBackend {
  private readonly data: tf.DataStorage<TorchData>;
  private deferring: ReadonlySet<string> = new Set();
  /** Data ids of deferred outputs not yet computed, oldest first. */
  private readonly pending = new Set<object>();

  /** The addon's call buffer (see {@link TorchAddon.io}); replaced when it grows. */
  private io: Float64Array;
  /** Kernel name -> its index for {@link TorchAddon.opAt}. */
  private readonly indices: ReadonlyMap<string, number>;

  constructor(readonly addon: TorchAddon) {
    super();
    this.data = new tf.DataStorage<TorchData>(this, tf.engine());
    this.io = addon.io();
    this.indices = new Map(addon.kernels().map((name, i) => [name, i]));
  }

  /** The addon handle of a tensor (moving it here from another backend if it lives there). */
  handle(t: tf.TensorInfo): number {
    return this.handleOf(t.dataId);
  }

  /** The addon handle of `dataId`, computing it first if it is a deferred output. */
  private handleOf(dataId: object): number {
    const d = this.data.get(dataId);
    if (d.deferred) this.compute(dataId, d);
    return d.handle;
  }

  /** From now on, kernels `names` return deferred outputs (see {@link deferred}); pending ones stay. */
  deferKernels(names: readonly string[]): void {
    this.deferring = new Set(names);
  }

  /** Whether kernel `name`'s outputs are deferred now. */
  defers(name: string): boolean {
    return this.deferring.has(name);
  }

  /**
   * A tensor of `shape` whose data `compute` makes from `inputs` (views of them, kept until then) on
   * its first use, on {@link runDeferred}, or never if it is disposed first.
   */
  deferred(
    shape: number[],
    dtype: tf.DataType,
    inputs: readonly tf.TensorInfo[],
    compute: (inputs: readonly tf.TensorInfo[]) => tf.TensorInfo,
  ): TorchInfo {
    // Views of the inputs (their storage shared), this backend's own: the engine may dispose the inputs.
    const held = inputs.map((t) => this.run1('reshape', [t], t.shape));
    const dataId = {};
    this.data.set(dataId, {
      handle: 0,
      refCount: 1,
      deferred: { compute: () => compute(held), inputs: held },
    });
    this.pending.add(dataId);
    return { dataId, shape, dtype };
  }

  /**
   * Computes pending deferred outputs, oldest first, until `until()` is true (tested before each)
   * or none is left; returns how many it computed.
   */
  runDeferred(until?: () => boolean): number {
    let n = 0;
    for (const dataId of this.pending) {
      if (until?.()) break;
      this.compute(dataId, this.data.get(dataId));
      n++;
    }
    return n;
  }

  /** Computes a deferred output in place of its data id, and releases its inputs. */
  private compute(dataId: object, d: TorchData): void {
    const job = d.deferred!;
    d.deferred = undefined;
    this.pending.delete(dataId);
    try {
      const out = job.compute();
      // The computed tensor's handle becomes this data id's; its own data id is dropped.
      d.handle = this.data.get(out.dataId).handle;
      this.data.delete(out.dataId);
    } finally {
      this.releaseInputs(job.inputs);
    }
  }

  private releaseInputs(inputs: readonly tf.TensorInfo[]): void {
    for (const t of inputs) this.disposeIntermediate(t);
  }

  /**
   * Runs native kernel `name` on `inputs` and wraps its outputs as new tensors.
   * @throws Error from the addon (ATen's message, prefixed with the kernel name), or naming a kernel
   * the addon does not have.
   */
  run(name: string, inputs: readonly tf.TensorInfo[], args: readonly number[] = []): TorchInfo[] {
    // Handles first: a deferred input is computed here, by a kernel call of its own.
    const handles = inputs.map((t) => this.handle(t));
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`the torch addon has no kernel '${name}'`);
    const need = handles.length + args.length + 2;
    if (need > this.io.length) this.io = this.addon.io(need);
    const io = this.io;
    let k = 0;
    io[k++] = handles.length;
    for (const h of handles) io[k++] = h;
    io[k++] = args.length;
    for (const a of args) io[k++] = a;
    this.io = this.addon.opAt(index);
    return this.outputs(this.io);
  }

  /** Adopts the outputs a kernel call reported: `[count, (handle, dtype, rank, ...dims) per output]`. */
  private outputs(r: Float64Array): TorchInfo[] {
    const out: TorchInfo[] = [];
    let k = 1;
    for (let i = 0, n = r[0]!; i < n; i++) {
      const handle = r[k++]!;
      const dtype = DTYPES[r[k++]!]!;
      const rank = r[k++]!;
      const shape: number[] = [];
      for (let d = 0; d < rank; d++) shape.push(r[k++]!);
      out.push(this.adopt(handle, shape, dtype));
    }
    return out;
  }

  /** {@link run} for a kernel with one output. */
  run1(name: string, inputs: readonly tf.TensorInfo[], args: readonly number[] = []): TorchInfo {
    return this.run(name, inputs, args)[0]!;
  }

  private adopt(handle: number, shape: number[], dtype: DType): TorchInfo {
    const dataId = {};
    this.data.set(dataId, { handle, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /** A tensor of `shape` filled with `values` (default zeros). */
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): TorchInfo {
    const n = tf.util.sizeFromShape(shape);
    const v = values ?? tf.util.getTypedArrayFromDType(dtype as DType, n);
    return { dataId: this.write(v, shape, dtype), shape, dtype };
  }

  /** Releases an intermediate tensor a kernel made and does not return. */
  disposeIntermediate(t: tf.TensorInfo): void {
    this.disposeData(t.dataId, true);
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object {
    const dataId = {};
    this.data.set(dataId, { handle: this.writeHandle(values, shape, dtype), refCount: 1 });
    return dataId;
  }

  private writeHandle(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): number {
    if (!(dtype in CODE)) {
      throw new KernelUnsupportedError(
        `the torch backend holds float32, int32 and bool tensors, not ${dtype}`,
      );
    }
    const d = dtype as DType;
    let v = values as Float32Array | Int32Array | Uint8Array;
    if (d === 'float32' && !(v instanceof Float32Array)) v = Float32Array.from(v as ArrayLike<number>);
    else if (d === 'int32' && !(v instanceof Int32Array)) v = Int32Array.from(v as ArrayLike<number>);
    else if (d === 'bool' && !(v instanceof Uint8Array)) v = Uint8Array.from(v as ArrayLike<number>);
    return this.addon.write(v, shape, CODE[d]);
  }

  override move(
    dataId: object,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.data.set(dataId, { handle: this.writeHandle(values, shape, dtype), refCount });
  }

  override readSync(dataId: object): tf.backend_util.BackendValues {
    return this.addon.read(this.handleOf(dataId));
  }

  override read(dataId: object): Promise<tf.backend_util.BackendValues> {
    return Promise.resolve(this.readSync(dataId));
  }

  override refCount(dataId: object): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: object): void {
    this.data.get(dataId).refCount++;
  }

  override disposeData(dataId: object, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId);
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    this.data.delete(dataId);
    if (d.deferred) {
      // Never used: never computed.
      this.pending.delete(dataId);
      this.releaseInputs(d.deferred.inputs);
    } else this.addon.dispose(d.handle);
    return true;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override memory(): { unreliable: boolean; numBytesInTorch: number; numTorchTensors: number } {
    const s = this.addon.stats();
    return { unreliable: false, numBytesInTorch: s.bytes, numTorchTensors: s.tensors };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    f();
    return Promise.resolve({ kernelMs: performance.now() - start });
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {
    // tensors still registered are released with their data ids by the engine
  }
}
