import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../core/index.js';
import { batchNormEval, batchNormTrain, updateRunningStats } from './batch-norm.js';
import { kaimingNormalFanOut, linearDefault, truncNormal } from './init.js';
import type { ParamStore } from './param-store.js';
import type { ReplicaSum } from './replica-sum.js';
import { backendHas } from './backend-has.js';

/** What a forward pass needs to know besides its input. */
export interface ForwardContext {
  /** Batch statistics and dropout (training) or running statistics (eval). */
  training: boolean;
  /** Update BN running statistics in training mode (default true). */
  updateStats?: boolean;
  /**
   * A data-parallel group: batch statistics over the global batch (SyncBatchNorm) in training.
   * Default none: statistics over this replica's batch.
   */
  sync?: ReplicaSum;
}

/** BatchNorm defaults in PyTorch's sense. */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** Adds `${name}.weight` [kh,kw,cin,cout] (no bias), torchvision's init (kaiming normal, fan_out). */
export function addConv(
  store: ParamStore,
  rng: Random,
  name: string,
  k: number,
  cin: number,
  cout: number,
): void {
  const size = k * k * cin * cout;
  store.addParam(`${name}.weight`, [k, k, cin, cout], kaimingNormalFanOut(rng, size, cout * k * k), 'HWIO');
}

/** Convolution with PyTorch's symmetric zero padding `pad` on both spatial sides. */
export function conv(
  store: ParamStore,
  name: string,
  x: tf.Tensor4D,
  stride: number,
  pad: number,
): tf.Tensor4D {
  const padding: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  return tf.conv2d(x, store.get(`${name}.weight`) as tf.Tensor4D, stride, pad === 0 ? 'valid' : padding);
}

/** Adds a BatchNorm's weight/bias (if affine) and running_mean/running_var/num_batches_tracked. */
export function addBatchNorm(store: ParamStore, name: string, channels: number, affine = true): void {
  if (affine) {
    store.addParam(`${name}.weight`, [channels], new Float32Array(channels).fill(1), 'same');
    store.addParam(`${name}.bias`, [channels], new Float32Array(channels), 'same');
  }
  store.addBuffer(`${name}.running_mean`, [channels], new Float32Array(channels));
  store.addBuffer(`${name}.running_var`, [channels], new Float32Array(channels).fill(1));
  store.addBuffer(`${name}.num_batches_tracked`, [], new Int32Array(1));
}

/**
 * BatchNorm over every axis but the last (BatchNorm2d on NHWC, BatchNorm1d on [N, C]): batch
 * statistics and a running-statistics update in training, running statistics in eval.
 */
export function batchNorm(store: ParamStore, name: string, x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const affine = store.has(`${name}.weight`);
  const gamma = affine ? (store.get(`${name}.weight`) as tf.Tensor1D) : null;
  const beta = affine ? (store.get(`${name}.bias`) as tf.Tensor1D) : null;
  const rm = store.get(`${name}.running_mean`);
  const rv = store.get(`${name}.running_var`);
  if (!ctx.training) return batchNormEval(x, rm, rv, gamma, beta, BN_EPS);
  const { y, stats } = batchNormTrain(x, gamma, beta, BN_EPS, ctx.sync);
  if (ctx.updateStats === false) {
    stats.mean.dispose();
    stats.variance.dispose();
  } else {
    updateRunningStats(stats, rm, rv, store.get(`${name}.num_batches_tracked`), BN_MOMENTUM);
  }
  return y;
}

/** Linear-layer initialisations: PyTorch's default, or trunc_normal(0.02) with zero bias (ViT / `--proj_trunc_init`). */
export type LinearInit = 'default' | 'trunc_normal';

/** Adds `${name}.weight` [in, out] and `${name}.bias` [out]. */
export function addLinear(
  store: ParamStore,
  rng: Random,
  name: string,
  fin: number,
  fout: number,
  init: LinearInit = 'default',
): void {
  if (init === 'default') {
    store.addParam(`${name}.weight`, [fin, fout], linearDefault(rng, fin * fout, fin), 'IO');
    store.addParam(`${name}.bias`, [fout], linearDefault(rng, fout, fin), 'same');
  } else {
    store.addParam(`${name}.weight`, [fin, fout], truncNormal(rng, fin * fout, 0.02), 'IO');
    store.addParam(`${name}.bias`, [fout], new Float32Array(fout), 'same');
  }
}

/** y = x·W + b. */
export function linear(store: ParamStore, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, store.get(`${name}.weight`) as tf.Tensor2D), store.get(`${name}.bias`));
}

/**
 * ReLU, max(x, 0). Its gradient goes through {@link FUSED_RELU_GRAD} where the backend has it (one
 * pass, and only the output kept for it); else tfjs's Relu gradient, dy·step(x).
 */
export function relu<T extends tf.Tensor>(x: T): T {
  if (!backendHas(FUSED_RELU_GRAD)) return tf.relu(x);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.relu(xx);
    save([y]);
    return {
      value: y,
      gradFunc: (dy, saved) =>
        tf.engine().runKernel(FUSED_RELU_GRAD, { dy: dy as tf.Tensor, y: saved[0]! }) as tf.Tensor,
    };
  });
  return f(x) as T;
}

/**
 * ReLU's gradient from its output, a kernel a backend may provide (the torch backend does): inputs
 * `dy`, `y`; output dy where y > 0, else 0. Without it the gradient is three element-wise kernels
 * (step, cast, multiply) that keep the input alive.
 */
export const FUSED_RELU_GRAD = 'TwistReluGrad';

/** GELU, exact (erf) form as PyTorch's default: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export function gelu<T extends tf.Tensor>(x: T): T {
  if (backendHas(FUSED_GELU, FUSED_GELU_GRAD)) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([xx]);
      return {
        value: tf.engine().runKernel(FUSED_GELU, { x: xx }) as tf.Tensor,
        gradFunc: (dy, saved) =>
          tf.engine().runKernel(FUSED_GELU_GRAD, { dy: dy as tf.Tensor, x: saved[0]! }) as tf.Tensor,
      };
    });
    return f(x) as T;
  }
  return tf.tidy(() => tf.mul(tf.mul(x, tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)), 0.5));
}

/**
 * Fused GELU (exact erf form), a kernel a backend may provide (the torch backend does): input `x`.
 * Its gradient {@link FUSED_GELU_GRAD}: inputs `dy`, `x`. One output each; without them GELU is five
 * element-wise kernels, each output kept for the gradient.
 */
export const FUSED_GELU = 'TwistGelu';
export const FUSED_GELU_GRAD = 'TwistGeluGrad';
/**
 * Fused LayerNorm over the last axis, a kernel a backend may provide (the torch backend does):
 * inputs `x`, `gamma`, `beta`; attr `eps`; outputs y, the mean and 1/√(variance + eps) (shaped as x
 * with a last axis of 1). Its gradient {@link FUSED_LAYER_NORM_GRAD}: inputs `dy`, `x`, `mean`,
 * `rstd`, `gamma`, `beta`; outputs dx, dγ, dβ.
 */
export const FUSED_LAYER_NORM = 'TwistLayerNorm';
export const FUSED_LAYER_NORM_GRAD = 'TwistLayerNormGrad';

/** Adds a LayerNorm's `${name}.weight` (ones) and `${name}.bias` (zeros). */
export function addLayerNorm(store: ParamStore, name: string, dim: number): void {
  store.addParam(`${name}.weight`, [dim], new Float32Array(dim).fill(1), 'same');
  store.addParam(`${name}.bias`, [dim], new Float32Array(dim), 'same');
}

/** LayerNorm over the last axis (biased variance, as PyTorch), then the affine transform. */
export function layerNorm<T extends tf.Tensor>(store: ParamStore, name: string, x: T, eps: number): T {
  const gamma = store.get(`${name}.weight`);
  const beta = store.get(`${name}.bias`);
  if (backendHas(FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD)) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const [y, mean, rstd] = tf.engine().runKernel(
        FUSED_LAYER_NORM,
        { x: xx, gamma: g, beta: b },
        {
          eps,
        },
      ) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
      save([xx, mean, rstd, g, b]);
      return {
        value: y,
        gradFunc: (dy, saved) => {
          const [sx, sm, sr, sg, sb] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, {
            dy: dy as tf.Tensor,
            x: sx,
            mean: sm,
            rstd: sr,
            gamma: sg,
            beta: sb,
          }) as unknown as tf.Tensor[];
        },
      };
    });
    return f(x, gamma, beta) as T;
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(xhat, store.get(`${name}.weight`)), store.get(`${name}.bias`));
  });
}

/** y = x·W + b on the last axis of any rank (`[..., in]` → `[..., out]`). */
export function linearNd<T extends tf.Tensor>(store: ParamStore, name: string, x: T): T {
  const w = store.get(`${name}.weight`) as tf.Tensor2D;
  const lead = x.shape.slice(0, -1);
  const y = linear(store, name, tf.reshape(x, [-1, x.shape[x.rank - 1]!]));
  return tf.reshape(y, [...lead, w.shape[1]]) as T;
}
