import * as tf from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropInputAttrs,
  KernelFunc,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import { callKernel, freeTensors, readValues, writeValues } from './kernel-call.js';

/**
 * Gathers the sub-filter of phase (ρ, σ) for the input gradient: F[k', l', co, ci] =
 * W[ρ + sh·(Kρ−1−k'), σ + sw·(Kσ−1−l'), ci, co], i.e. every s-th tap, rotated 180°, Ci/Co swapped.
 */
function phaseFilter(
  w: Float32Array,
  shape: readonly number[],
  rho: number,
  sigma: number,
  sh: number,
  sw: number,
): { values: Float32Array; kh: number; kw: number } {
  const [fh, fw, ci, co] = shape as [number, number, number, number];
  const kh = Math.ceil((fh - rho) / sh);
  const kw = Math.ceil((fw - sigma) / sw);
  const values = new Float32Array(Math.max(kh, 0) * Math.max(kw, 0) * co * ci);
  for (let a = 0; a < kh; a++) {
    const i = rho + sh * (kh - 1 - a);
    for (let b = 0; b < kw; b++) {
      const j = sigma + sw * (kw - 1 - b);
      const src = (i * fw + j) * ci * co;
      const dst = (a * kw + b) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) values[dst + o * ci + c] = w[src + c * co + o]!;
      }
    }
  }
  return { values, kh, kw };
}

/**
 * `Conv2DBackpropInput` as stride-1 convolutions on the backend's `Conv2D` (XNNPACK), replacing
 * tfjs-wasm's naive single-threaded loop. For stride s the input rows split into s² phases: input
 * row p = m·s + ρ (padded coordinates) only receives filter taps i ≡ ρ (mod s), so each phase is a
 * full correlation of dy with the rotated sub-filter W[ρ::s, σ::s]; the phases are interleaved and
 * the padding cropped. The FLOP count equals the forward convolution's.
 * @throws KernelUnsupportedError for NCHW data.
 */
export function conv2dBackpropInputKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW') {
      throw new KernelUnsupportedError(
        'Conv2DBackpropInput: only NHWC data is supported on the wasm backend',
      );
    }
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outChannels: Co } = info;
    const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const M = Math.ceil((top + H) / sh);
    const N = Math.ceil((left + W) / sw);
    const w = readValues(backend, filter) as Float32Array;
    const temps: TensorInfo[] = [];
    const rows: TensorInfo[] = [];
    for (let rho = 0; rho < sh; rho++) {
      const cols: TensorInfo[] = [];
      for (let sigma = 0; sigma < sw; sigma++) {
        const f = phaseFilter(w, filter.shape, rho, sigma, sh, sw);
        let phase: TensorInfo;
        if (f.kh <= 0 || f.kw <= 0) {
          phase = writeValues(backend, [B, M, N, Ci], new Float32Array(B * M * N * Ci), 'float32');
        } else {
          const ft = writeValues(backend, [f.kh, f.kw, Co, Ci], f.values, 'float32');
          const full = callKernel(backend, backendName, 'Conv2D', { x: dy, filter: ft }, {
            strides: [1, 1],
            dilations: [1, 1],
            dataFormat: 'NHWC',
            dimRoundingMode: undefined,
            pad: [
              [0, 0],
              [f.kh - 1, Math.max(0, M - OH)],
              [f.kw - 1, Math.max(0, N - OW)],
              [0, 0],
            ],
          } as unknown as tf.NamedAttrMap);
          freeTensors(backend, ft);
          if (full.shape[1] === M && full.shape[2] === N) {
            phase = full;
          } else {
            phase = callKernel(
              backend,
              backendName,
              'Slice',
              { x: full },
              { begin: [0, 0, 0, 0], size: [B, M, N, Ci] },
            );
            freeTensors(backend, full);
          }
        }
        if (sh === 1 && sw === 1) {
          rows.push(phase);
          break;
        }
        const r = callKernel(backend, backendName, 'Reshape', { x: phase }, { shape: [B, M, N, 1, Ci] });
        freeTensors(backend, phase);
        cols.push(r);
      }
      if (sh === 1 && sw === 1) break;
      const cat = callKernel(backend, backendName, 'Concat', cols as unknown as NamedTensorInfoMap, {
        axis: 3,
      });
      freeTensors(backend, ...cols);
      const r = callKernel(backend, backendName, 'Reshape', { x: cat }, { shape: [B, M, 1, N * sw, Ci] });
      freeTensors(backend, cat);
      rows.push(r);
    }
    let padded: TensorInfo;
    if (rows.length === 1 && sh === 1 && sw === 1) {
      padded = rows[0]!;
    } else {
      const cat = callKernel(backend, backendName, 'Concat', rows as unknown as NamedTensorInfoMap, {
        axis: 2,
      });
      freeTensors(backend, ...rows);
      padded = callKernel(backend, backendName, 'Reshape', { x: cat }, { shape: [B, M * sh, N * sw, Ci] });
      temps.push(cat);
    }
    const dx = callKernel(
      backend,
      backendName,
      'Slice',
      { x: padded },
      { begin: [0, top, left, 0], size: [B, H, W, Ci] },
    );
    freeTensors(backend, padded, ...temps);
    return dx;
  };
}
