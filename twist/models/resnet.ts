import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Random } from '../../core/index.js';
import { addBatchNorm, addConv, batchNorm, conv, relu, type ForwardContext } from '../nn/layers.js';
import type { ParamStore } from '../nn/param-store.js';

/** `imagenet`: 7×7/2 conv + 3×3/2 max-pool (torchvision). `cifar`: 3×3/1 conv, no pool (inputs ≤ 64 px). */
export type ResNetStem = 'imagenet' | 'cifar';
export const RESNET_DEPTHS = [18, 34, 50] as const;
export type ResNetDepth = (typeof RESNET_DEPTHS)[number];

export interface ResNetConfig {
  depth: ResNetDepth;
  /** Channels of the stem and first stage: 64 is torchvision's, 128 is ResNet-50w2, 16 the CPU demo's. */
  width: number;
  stem: ResNetStem;
  inChannels: number;
}

const LAYOUT: Record<ResNetDepth, { blocks: [number, number, number, number]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
};

/** Output feature size: 8·width (basic blocks) or 32·width (bottleneck). */
export function resnetFeatureDim(cfg: ResNetConfig): number {
  return cfg.width * 8 * (LAYOUT[cfg.depth].bottleneck ? 4 : 1);
}

interface BlockSpec {
  name: string;
  cin: number;
  planes: number;
  stride: number;
  downsample: boolean;
}

function blockSpecs(cfg: ResNetConfig): BlockSpec[] {
  const { blocks, bottleneck } = LAYOUT[cfg.depth];
  const expansion = bottleneck ? 4 : 1;
  const specs: BlockSpec[] = [];
  let cin = cfg.width;
  blocks.forEach((n, stage) => {
    const planes = cfg.width * 2 ** stage;
    for (let i = 0; i < n; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      specs.push({
        name: `layer${stage + 1}.${i}`,
        cin,
        planes,
        stride,
        downsample: stride !== 1 || cin !== planes * expansion,
      });
      cin = planes * expansion;
    }
  });
  return specs;
}

/**
 * A torchvision ResNet (v1.5: the stride sits in the 3×3 conv) without `fc`, on NHWC tensors, its
 * parameters named exactly as torchvision's `state_dict` under `prefix` (`conv1.weight`,
 * `layer1.0.bn1.running_mean`, `layer2.0.downsample.0.weight`, ...). torchvision's init: kaiming-normal
 * fan_out convs, BN weight 1 and bias 0, `zero_init_residual=False`.
 */
export class ResNet {
  readonly featureDim: number;
  private readonly blocks: BlockSpec[];
  private readonly bottleneck: boolean;

  /** @throws InvalidArgumentError on an unsupported depth, width or channel count. */
  constructor(
    readonly config: ResNetConfig,
    private readonly store: ParamStore,
    rng: Random,
    private readonly prefix = '',
  ) {
    if (!RESNET_DEPTHS.includes(config.depth)) {
      throw new InvalidArgumentError(
        `resnet depth must be one of ${RESNET_DEPTHS.join(', ')}, got ${config.depth}`,
      );
    }
    if (!Number.isInteger(config.width) || config.width < 1)
      throw new InvalidArgumentError(`resnet width must be a positive integer, got ${config.width}`);
    if (!Number.isInteger(config.inChannels) || config.inChannels < 1) {
      throw new InvalidArgumentError(
        `resnet input channels must be a positive integer, got ${config.inChannels}`,
      );
    }
    this.bottleneck = LAYOUT[config.depth].bottleneck;
    this.blocks = blockSpecs(config);
    this.featureDim = resnetFeatureDim(config);
    const p = prefix;
    addConv(store, rng, `${p}conv1`, config.stem === 'imagenet' ? 7 : 3, config.inChannels, config.width);
    addBatchNorm(store, `${p}bn1`, config.width);
    for (const b of this.blocks) {
      const n = `${p}${b.name}`;
      if (this.bottleneck) {
        addConv(store, rng, `${n}.conv1`, 1, b.cin, b.planes);
        addBatchNorm(store, `${n}.bn1`, b.planes);
        addConv(store, rng, `${n}.conv2`, 3, b.planes, b.planes);
        addBatchNorm(store, `${n}.bn2`, b.planes);
        addConv(store, rng, `${n}.conv3`, 1, b.planes, b.planes * 4);
        addBatchNorm(store, `${n}.bn3`, b.planes * 4);
      } else {
        addConv(store, rng, `${n}.conv1`, 3, b.cin, b.planes);
        addBatchNorm(store, `${n}.bn1`, b.planes);
        addConv(store, rng, `${n}.conv2`, 3, b.planes, b.planes);
        addBatchNorm(store, `${n}.bn2`, b.planes);
      }
      if (b.downsample) {
        const out = b.planes * (this.bottleneck ? 4 : 1);
        addConv(store, rng, `${n}.downsample.0`, 1, b.cin, out);
        addBatchNorm(store, `${n}.downsample.1`, out);
      }
    }
  }

  /** Global-average-pooled features [B, featureDim] of NHWC images [B, H, W, inChannels]. */
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
    const c = x.shape[3];
    if (c !== this.config.inChannels) {
      throw new InvalidArgumentError(`resnet expects ${this.config.inChannels} input channels, got ${c}`);
    }
    const s = this.store;
    const p = this.prefix;
    const bnRelu = (name: string, t: tf.Tensor4D): tf.Tensor4D =>
      relu(batchNorm(s, name, t, ctx)) as tf.Tensor4D;
    let h =
      this.config.stem === 'imagenet'
        ? tf.maxPool(bnRelu(`${p}bn1`, conv(s, `${p}conv1`, x, 2, 3)), 3, 2, 1)
        : bnRelu(`${p}bn1`, conv(s, `${p}conv1`, x, 1, 1));
    for (const b of this.blocks) {
      const n = `${p}${b.name}`;
      let out: tf.Tensor4D;
      if (this.bottleneck) {
        out = bnRelu(`${n}.bn1`, conv(s, `${n}.conv1`, h, 1, 0));
        out = bnRelu(`${n}.bn2`, conv(s, `${n}.conv2`, out, b.stride, 1));
        out = batchNorm(s, `${n}.bn3`, conv(s, `${n}.conv3`, out, 1, 0), ctx) as tf.Tensor4D;
      } else {
        out = bnRelu(`${n}.bn1`, conv(s, `${n}.conv1`, h, b.stride, 1));
        out = batchNorm(s, `${n}.bn2`, conv(s, `${n}.conv2`, out, 1, 1), ctx) as tf.Tensor4D;
      }
      const shortcut = b.downsample
        ? (batchNorm(
            s,
            `${n}.downsample.1`,
            conv(s, `${n}.downsample.0`, h, b.stride, 0),
            ctx,
          ) as tf.Tensor4D)
        : h;
      h = relu(tf.add(out, shortcut)) as tf.Tensor4D;
    }
    // Global average pool as an average pool (tfjs-wasm's mean over inner axes transposes first).
    const [bsz, hh, ww, ch] = h.shape;
    return tf.reshape(tf.avgPool(h, [hh, ww], [hh, ww], 'valid'), [bsz, ch]);
  }
}

/**
 * Forward multiply-add FLOPs (2 × MACs) of the convolutions of one image of `h`×`w` pixels
 * (BatchNorm, ReLU, pooling and additions not counted, the usual convention).
 */
export function resnetForwardFlops(cfg: ResNetConfig, h: number, w: number): number {
  const out = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;
  let flops = 0;
  const conv = (k: number, cin: number, cout: number, oh: number, ow: number): void => {
    flops += 2 * k * k * cin * cout * oh * ow;
  };
  let hh: number;
  let ww: number;
  if (cfg.stem === 'imagenet') {
    hh = out(h, 7, 2, 3);
    ww = out(w, 7, 2, 3);
    conv(7, cfg.inChannels, cfg.width, hh, ww);
    hh = out(hh, 3, 2, 1);
    ww = out(ww, 3, 2, 1);
  } else {
    hh = h;
    ww = w;
    conv(3, cfg.inChannels, cfg.width, hh, ww);
  }
  const bottleneck = LAYOUT[cfg.depth].bottleneck;
  for (const b of blockSpecs(cfg)) {
    const oh = out(hh, 3, b.stride, 1);
    const ow = out(ww, 3, b.stride, 1);
    if (bottleneck) {
      conv(1, b.cin, b.planes, hh, ww);
      conv(3, b.planes, b.planes, oh, ow);
      conv(1, b.planes, b.planes * 4, oh, ow);
    } else {
      conv(3, b.cin, b.planes, oh, ow);
      conv(3, b.planes, b.planes, oh, ow);
    }
    if (b.downsample) conv(1, b.cin, b.planes * (bottleneck ? 4 : 1), oh, ow);
    hh = oh;
    ww = ow;
  }
  return flops;
}
