import fs from 'node:fs';
import { BackendUnavailableError, loadNativeAddon, nativeAddonPaths } from '../../../core/index.js';

/** The native addon's surface (native/torch/src/addon.cc). Tensor handles are integers. */
export interface TorchAddon {
  /**
   * `cacheBytes`: the most the caching CPU allocator keeps for reuse (0: no cache). `tf32` (CUDA
   * only, default false): let cuDNN's convolutions and cuBLAS's products round to TF32.
   */
  init(
    device: 'cpu' | 'cuda',
    threads: number,
    cacheBytes: number,
    tf32?: boolean,
  ): {
    device: string;
    cuda: boolean;
    cudaBuild: boolean;
    /** Whether TF32 is allowed (on CUDA only). */
    tf32: boolean;
    mkldnn: boolean;
    threads: number;
    /** Threads of the OpenBLAS pool the matrix products run on (sized with `threads`; 0: no OpenBLAS). */
    blasThreads: number;
    /**
     * The BLAS behind the matrix products: `openblas`, `blis`, `atlas`, `reference` (netlib's: slow),
     * another library's path, or '' when none is loaded on its own (MKL linked into libtorch).
     */
    blas: string;
  };
  /** Copies host values into a new tensor; dtype code 0 float32, 1 int32, 2 bool. */
  write(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: number): number;
  read(handle: number): Float32Array | Int32Array | Uint8Array;
  dispose(handle: number): boolean;
  stats(): { tensors: number; bytes: number; cachedBytes: number; cacheHits: number; cacheMisses: number };
  /**
   * The buffer kernel calls go through ({@link opAt}), holding at least `minLength` numbers
   * (default 4096 at first): a new, larger one when the current one is shorter.
   * @throws RangeError for a `minLength` outside 0 to 2^30.
   */
  io(minLength?: number): Float64Array;
  /**
   * Runs kernel `kernels()[index]` on the call written into {@link io},
   * `[nInputs, ...handles, nArgs, ...args]`; no array or string crosses the boundary (the
   * per-kernel cost of a small op).
   * @returns the call buffer holding the results, `[count, (handle, dtype, rank, ...dims) per
   * output]`: the same one, or a larger one when they did not fit.
   * @throws Error from ATen (prefixed with the kernel's name), or for a malformed call in io().
   */
  opAt(index: number): Float64Array;
  /** Sizes ATen's and OpenBLAS's pools; returns ATen's. */
  setThreads(n: number): number;
  kernels(): string[];
  torchVersion: string;
}

const { file: ADDON, status: STATUS } = nativeAddonPaths('torch', 'twist_torch');

let loaded: TorchAddon | undefined;

/**
 * Loads the torch backend's addon (built at install by native/torch/build.mjs; `TWIST_TORCH_ADDON`
 * overrides its path).
 * @throws BackendUnavailableError saying why: not built (no libtorch at install, or the build
 * failed: the reason recorded then), or it fails to load (a libtorch library missing at run time).
 */
export function loadTorchAddon(): TorchAddon {
  if (loaded) return loaded;
  const override = process.env['TWIST_TORCH_ADDON'];
  const file = override ?? ADDON;
  if (override && !fs.existsSync(override)) {
    throw new BackendUnavailableError(
      `the torch backend is unavailable: TWIST_TORCH_ADDON=${override} does not exist`,
    );
  }
  const r = loadNativeAddon<TorchAddon>(file, STATUS);
  if (!r.addon)
    throw new BackendUnavailableError(`the torch backend is unavailable: ${r.reason}`, { cause: r.cause });
  loaded = r.addon;
  return loaded;
}
