import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import { callKernel, freeTensors } from './kernel-call.js';
import { reachedInput } from './reached-input.js';

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
    const { strideHeight: sh, strideWidth: sw } = info;
    const { x: xx, temps, top, bottom, left, right } = reachedInput(backend, backendName, x, info);
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
