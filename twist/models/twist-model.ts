import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';
import type { ForwardContext } from '../nn/layers.js';
import { ParamStore } from '../nn/param-store.js';
import { DEFAULT_HEAD, ProjectionHead, type ProjectionHeadConfig } from './projection-head.js';
import { ResNet, type ResNetConfig } from './resnet.js';
import { VisionTransformer, type VitConfig } from './vit.js';

export interface TwistModelConfig {
  /** A ResNet, or a ViT (`arch: 'vit'`). */
  backbone: ResNetConfig | VitConfig;
  head: Omit<ProjectionHeadConfig, 'inDim'>;
  /** Seed of the initialisation (default 0). */
  seed?: number;
}

/**
 * Backbone + TWIST projection head, named like the seed's `TWIST` module (`backbone.*`,
 * `projection_heads.*`). Multi-view forward as spec §2.3: consecutive views of equal resolution go
 * through the backbone together (BN statistics per resolution group), then all features through the
 * head once (head BNs over all views jointly).
 */
export class TwistModel {
  readonly store = new ParamStore();
  readonly backbone: ResNet | VisionTransformer;
  readonly head: ProjectionHead;

  constructor(readonly config: TwistModelConfig) {
    const rng = new Random(config.seed ?? 0);
    const bb = config.backbone;
    this.backbone =
      'arch' in bb && bb.arch === 'vit'
        ? new VisionTransformer(bb, this.store, rng, 'backbone.')
        : new ResNet(bb as ResNetConfig, this.store, rng, 'backbone.');
    this.head = new ProjectionHead(
      { ...DEFAULT_HEAD, ...config.head, inDim: this.backbone.featureDim },
      this.store,
      rng,
    );
  }

  /**
   * Logits per view, each [B, dim], from NHWC view batches of equal batch size.
   * @throws InvalidArgumentError on no views or unequal batch sizes.
   */
  forward(views: tf.Tensor4D[], ctx: ForwardContext): tf.Tensor2D[] {
    const groups = this.resolutionGroups(views);
    const feats = groups.map((g) => this.backbone.forward(g.length === 1 ? g[0]! : tf.concat(g, 0), ctx));
    return this.headPerView(feats.length === 1 ? feats[0]! : tf.concat(feats, 0), views.length, ctx);
  }

  /**
   * Views grouped as the backbone takes them: consecutive views of equal resolution together.
   * @throws InvalidArgumentError on no views or unequal batch sizes.
   */
  resolutionGroups(views: tf.Tensor4D[]): tf.Tensor4D[][] {
    if (views.length === 0) throw new InvalidArgumentError('forward needs at least one view');
    const b = views[0]!.shape[0];
    if (views.some((v) => v.shape[0] !== b)) {
      throw new InvalidArgumentError(
        `all views need the same batch size, got ${views.map((v) => v.shape[0]).join(', ')}`,
      );
    }
    const groups: tf.Tensor4D[][] = [];
    for (const v of views) {
      const last = groups[groups.length - 1];
      const ref = last?.[0];
      if (ref && ref.shape[1] === v.shape[1] && ref.shape[2] === v.shape[2]) last.push(v);
      else groups.push([v]);
    }
    return groups;
  }

  /** The head over the backbone features of all `views` views at once, split back per view. */
  headPerView(features: tf.Tensor2D, views: number, ctx: ForwardContext): tf.Tensor2D[] {
    const z = this.head.forward(features, ctx);
    return views === 1 ? [z] : tf.split(z, views, 0);
  }

  /**
   * Whether one image's backbone output depends on that image alone (no BatchNorm in the
   * backbone: the ViTs), so the backbone may run in chunks of a batch with the same result.
   */
  get backbonePerSample(): boolean {
    return this.backbone instanceof VisionTransformer;
  }

  /** Backbone features [B, featureDim] in eval mode (kNN, linear probe). */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.backbone.forward(x, { training: false }));
  }

  /** Head logits [B, dim] in eval mode (running statistics; clustering by argmax). */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() =>
      this.head.forward(this.backbone.forward(x, { training: false }), { training: false }),
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
