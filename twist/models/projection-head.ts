import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Random } from '../../core/index.js';
import {
  addBatchNorm,
  addLinear,
  batchNorm,
  gelu,
  linear,
  relu,
  type ForwardContext,
  type LinearInit,
} from '../nn/layers.js';
import type { ParamStore } from '../nn/param-store.js';

export interface ProjectionHeadConfig {
  inDim: number;
  /** Hidden width (seed default 4096). */
  hidDim: number;
  /** Output classes (seed default 4096; 1000 for clustering). */
  dim: number;
  /** Hidden normalisation (`--proj_norm`): `bn` (default) or `none`. */
  norm: 'bn' | 'none';
  /** Hidden activation (`--act`): `relu` (ResNet recipes) or `gelu` (ViT recipes). */
  act: 'relu' | 'gelu';
  /** Dropout after the first activation (`--drop`, default 0). */
  drop: number;
  /** Linear init: PyTorch default (ResNet) or trunc_normal(0.02) (ViT / `--proj_trunc_init`). */
  init: LinearInit;
}

export const DEFAULT_HEAD: Omit<ProjectionHeadConfig, 'inDim'> = {
  hidDim: 4096,
  dim: 4096,
  norm: 'bn',
  act: 'relu',
  drop: 0,
  init: 'default',
};

/**
 * TWIST's projection head (spec §2.2), parameter names as the seed's `state_dict`:
 * Linear [`projection_head.0`] → BN [`.1`] → act → dropout → Linear [`.4`] → BN [`.5`] → act →
 * Linear [`last_linear`] → BatchNorm1d without affine [`norm`]. The last norm uses batch statistics
 * in training and running statistics in eval; its output is the logits the loss soft-maxes.
 */
export class ProjectionHead {
  private readonly p: string;

  /** @throws InvalidArgumentError on non-positive sizes or a dropout outside [0, 1). */
  constructor(
    readonly config: ProjectionHeadConfig,
    private readonly store: ParamStore,
    private readonly rng: Random,
    prefix = 'projection_heads.',
  ) {
    for (const k of ['inDim', 'hidDim', 'dim'] as const) {
      if (!Number.isInteger(config[k]) || config[k] < 1)
        throw new InvalidArgumentError(`projection head ${k} must be a positive integer, got ${config[k]}`);
    }
    if (!(config.drop >= 0 && config.drop < 1))
      throw new InvalidArgumentError(`projection head dropout must be in [0, 1), got ${config.drop}`);
    this.p = prefix;
    const { inDim, hidDim, dim, init } = config;
    addLinear(store, rng, `${prefix}projection_head.0`, inDim, hidDim, init);
    if (config.norm === 'bn') addBatchNorm(store, `${prefix}projection_head.1`, hidDim);
    addLinear(store, rng, `${prefix}projection_head.4`, hidDim, hidDim, init);
    if (config.norm === 'bn') addBatchNorm(store, `${prefix}projection_head.5`, hidDim);
    addLinear(store, rng, `${prefix}last_linear`, hidDim, dim, init);
    addBatchNorm(store, `${prefix}norm`, dim, false);
  }

  /** Logits [N, dim] (after the no-affine norm) of features [N, inDim]. */
  forward(x: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    const { p, store: s } = this;
    const act = (t: tf.Tensor): tf.Tensor2D =>
      (this.config.act === 'relu' ? relu(t) : gelu(t)) as tf.Tensor2D;
    const norm = (name: string, t: tf.Tensor2D): tf.Tensor2D =>
      this.config.norm === 'bn' ? (batchNorm(s, name, t, ctx) as tf.Tensor2D) : t;
    let h = act(norm(`${p}projection_head.1`, linear(s, `${p}projection_head.0`, x)));
    if (ctx.training && this.config.drop > 0)
      h = tf.dropout(h, this.config.drop, undefined, this.rng.nextUint32()) as tf.Tensor2D;
    h = act(norm(`${p}projection_head.5`, linear(s, `${p}projection_head.4`, h)));
    return batchNorm(s, `${p}norm`, linear(s, `${p}last_linear`, h), ctx) as tf.Tensor2D;
  }
}
