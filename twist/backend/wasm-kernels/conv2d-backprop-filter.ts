import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import { callKernel, freeTensors } from './kernel-call.js';

/**
 * `Conv2DBackpropFilter` built on the backend's own `Conv2D`, so all its FLOPs run in XNNPACK:
 * dW[i,j,ci,co] = Σ_{b,oh,ow} x_pad[b, oh·s+i, ow·s+j, ci] · dy[b,oh,ow,co] is a convolution of x
 * (transposed to [Ci,H,W,B]) with dy (transposed to [OH,OW,B,Co]) at stride 1 and dilation s.
 * @throws KernelUnsupportedError for NCHW data or dilations other than 1 (tfjs's conv gradient has
 * the same limit).
 */
export function conv2dBackpropFilterKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') {
      throw new KernelUnsupportedError(
        'Conv2DBackpropFilter: only NHWC data is supported on the wasm backend',
      );
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    let bottom = fh + sh * (OH - 1) - H - top;
    let right = fw + sw * (OW - 1) - W - left;
    const temps: TensorInfo[] = [];
    let xx = x;
    if (bottom < 0 || right < 0) {
      // Rows/columns the forward pass never reached (VALID with a remainder): crop them.
      xx = callKernel(
        backend,
        backendName,
        'Slice',
        { x },
        {
          begin: [0, 0, 0, 0],
          size: [x.shape[0]!, H + Math.min(bottom, 0), W + Math.min(right, 0), x.shape[3]!],
        },
      );
      temps.push(xx);
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const xT = callKernel(backend, backendName, 'Transpose', { x: xx }, { perm: [3, 1, 2, 0] });
    const dyT = callKernel(backend, backendName, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const r = callKernel(backend, backendName, 'Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1],
      dilations: [sh, sw],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
    } as unknown as tf.NamedAttrMap);
    const dw = callKernel(backend, backendName, 'Transpose', { x: r }, { perm: [1, 2, 0, 3] });
    freeTensors(backend, xT, dyT, r, ...temps);
    return dw;
  };
}
