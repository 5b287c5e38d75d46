import * as tf from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import { callKernel, freeTensors, readValues, writeValues } from './kernel-call.js';
import { reachedInput } from './reached-input.js';

function requireUnitDilation(kernel: string, dilations: number | [number, number] | undefined): void {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (dh !== 1 || dw !== 1) {
    throw new KernelUnsupportedError(`${kernel}: dilations ${dh}x${dw} are not supported (only 1x1)`);
  }
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` on the backend's depthwise convolution:
 * dW[i,j,c,m] = Σ_{b,oh,ow} x_pad[b, oh·s+i, ow·s+j, c] · dy[b,oh,ow,c·M+m] is a depthwise
 * convolution of x laid out as [1,H,W,B·C] with dy laid out as a [OH,OW,B·C,M] filter at dilation s,
 * summed over b afterwards.
 * @throws KernelUnsupportedError for dilations other than 1.
 */
export function depthwiseBackpropFilterKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    requireUnitDilation('DepthwiseConv2dNativeBackpropFilter', dilations);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      true,
    );
    const { batchSize: B, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const M = filterShape[3];
    const { x: xx, temps, top, bottom, left, right } = reachedInput(backend, backendName, x, info);
    const h = xx.shape[1]!;
    const w = xx.shape[2]!;
    const xT = callKernel(backend, backendName, 'Transpose', { x: xx }, { perm: [1, 2, 0, 3] });
    const xR = callKernel(backend, backendName, 'Reshape', { x: xT }, { shape: [1, h, w, B * C] });
    const dyT = callKernel(backend, backendName, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const dyR = callKernel(backend, backendName, 'Reshape', { x: dyT }, { shape: [OH, OW, B * C, M] });
    const r = callKernel(backend, backendName, 'DepthwiseConv2dNative', { x: xR, filter: dyR }, {
      strides: [1, 1],
      dilations: [sh, sw],
      dimRoundingMode: undefined,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
    } as unknown as tf.NamedAttrMap);
    const r4 = callKernel(backend, backendName, 'Reshape', { x: r }, { shape: [fh, fw, B, C * M] });
    const s = callKernel(backend, backendName, 'Sum', { x: r4 }, { axis: [2], keepDims: false });
    const dW = callKernel(backend, backendName, 'Reshape', { x: s }, { shape: [fh, fw, C, M] });
    freeTensors(backend, xT, xR, dyT, dyR, r, r4, s, ...temps);
    return dW;
  };
}

/**
 * `DepthwiseConv2dNativeBackpropInput` on the backend's depthwise convolution: dy is dilated with
 * s−1 zeros (stride s), padded, and correlated with the spatially flipped filter at multiplier 1;
 * the M multiplier channels of each input channel are then summed.
 * @throws KernelUnsupportedError for dilations other than 1.
 */
export function depthwiseBackpropInputKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, inputShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    requireUnitDilation('DepthwiseConv2dNativeBackpropInput', dilations);
    const fshape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      fshape,
      strides,
      1,
      pad,
      dimRoundingMode,
      true,
    );
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const M = fshape[3];
    const CM = C * M;
    const temps: TensorInfo[] = [];
    let up = dy;
    if (sh > 1 || sw > 1) {
      const r = callKernel(backend, backendName, 'Reshape', { x: dy }, { shape: [B, OH, 1, OW, 1, CM] });
      const p = callKernel(
        backend,
        backendName,
        'PadV2',
        { x: r },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      up = callKernel(backend, backendName, 'Reshape', { x: p }, { shape: [B, OH * sh, OW * sw, CM] });
      temps.push(r, p, up);
    }
    // Correlation with the flipped filter: dx[h] = Σ_i' up[h + top + i' − (fh−1)] · Wrot[i'].
    const padT = fh - 1 - info.padInfo.top;
    const padL = fw - 1 - info.padInfo.left;
    const padB = H - up.shape[1]! - padT + fh - 1;
    const padR = W - up.shape[2]! - padL + fw - 1;
    if (padT < 0 || padL < 0) {
      throw new KernelUnsupportedError(`DepthwiseConv2dNativeBackpropInput: padding larger than the filter`);
    }
    if (padB < 0 || padR < 0) {
      const cropped = callKernel(
        backend,
        backendName,
        'Slice',
        { x: up },
        {
          begin: [0, 0, 0, 0],
          size: [B, up.shape[1]! + Math.min(padB, 0), up.shape[2]! + Math.min(padR, 0), CM],
        },
      );
      temps.push(cropped);
      up = cropped;
    }
    const w = readValues(backend, filter) as Float32Array;
    const flipped = new Float32Array(w.length);
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const src = (i * fw + j) * CM;
        const dst = ((fh - 1 - i) * fw + (fw - 1 - j)) * CM;
        flipped.set(w.subarray(src, src + CM), dst);
      }
    }
    const ft = writeValues(backend, [fh, fw, CM, 1], flipped, 'float32');
    const conv = callKernel(backend, backendName, 'DepthwiseConv2dNative', { x: up, filter: ft }, {
      strides: [1, 1],
      dilations: [1, 1],
      dimRoundingMode: undefined,
      pad: [
        [0, 0],
        [padT, Math.max(padB, 0)],
        [padL, Math.max(padR, 0)],
        [0, 0],
      ],
    } as unknown as tf.NamedAttrMap);
    let dx: TensorInfo;
    if (M === 1) {
      dx = conv;
    } else {
      const r = callKernel(backend, backendName, 'Reshape', { x: conv }, { shape: [B, H, W, C, M] });
      dx = callKernel(backend, backendName, 'Sum', { x: r }, { axis: [4], keepDims: false });
      freeTensors(backend, r, conv);
    }
    freeTensors(backend, ft, ...temps);
    return dx;
  };
}
