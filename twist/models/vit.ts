import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Random } from '../../core/index.js';
import { linearDefault, truncNormal } from '../nn/init.js';
import { addLayerNorm, addLinear, gelu, layerNorm, linearNd, type ForwardContext } from '../nn/layers.js';
import type { ParamStore } from '../nn/param-store.js';

/** The seed's vision transformers (DINO's `vision_transformer.py`): `vit_small` and `vit_base`. */
export const VIT_PRESETS = {
  'vit-s': { embedDim: 384, depth: 12, numHeads: 6 },
  'vit-b': { embedDim: 768, depth: 12, numHeads: 12 },
} as const;

export interface VitConfig {
  arch: 'vit';
  /** Patch side in pixels (16 in the seed). */
  patchSize: number;
  embedDim: number;
  depth: number;
  numHeads: number;
  /** MLP hidden = mlpRatio · embedDim (4). */
  mlpRatio?: number;
  /** Stochastic depth, linearly spaced from 0 to this over the blocks (0; 0.1 for ViT-B). */
  dropPathRate?: number;
  /** Side of the images the positional embedding is made for (224 in the seed). */
  imageSize: number;
  inChannels: number;
}

const LN_EPS = 1e-6;

/**
 * PyTorch's bicubic interpolation (`F.interpolate(mode='bicubic', align_corners=False)` with an
 * explicit `scale_factor`, A = −0.75, taps clamped at the border) as an [out, in] matrix.
 */
export function bicubicMatrix(inSize: number, outSize: number, scaleFactor: number): Float32Array {
  const A = -0.75;
  const cc1 = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const cc2 = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  const scale = 1 / scaleFactor;
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const real = scale * (o + 0.5) - 0.5;
    const i0 = Math.floor(real);
    const t = real - i0;
    const w = [cc2(t + 1), cc1(t), cc1(1 - t), cc2(2 - t)];
    for (let k = 0; k < 4; k++) {
      const i = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1);
      m[o * inSize + i]! += w[k]!;
    }
  }
  return m;
}

/**
 * ViT (DINO's implementation, which the seed copies): a patch-embedding convolution, a [CLS] token,
 * learned positional embeddings (bicubically interpolated for other input sizes, e.g. 96-px local
 * crops), pre-norm blocks (LayerNorm eps 1e-6, multi-head self-attention with a qkv bias, GELU MLP,
 * stochastic depth), a final LayerNorm; the feature is the [CLS] token. Parameter names are the
 * seed's (`cls_token`, `pos_embed`, `patch_embed.proj.weight`, `blocks.N.attn.qkv.weight`, ...).
 * Init: trunc_normal(0.02) for Linear weights, `cls_token` and `pos_embed`; zero biases; LayerNorm
 * 1/0; the patch convolution keeps PyTorch's default Conv2d init.
 */
export class VisionTransformer {
  readonly featureDim: number;
  private readonly gridSize: number;
  private readonly mlpHidden: number;

  /** @throws InvalidArgumentError on sizes that do not fit (heads not dividing the width, ...). */
  constructor(
    readonly config: VitConfig,
    private readonly store: ParamStore,
    /** Drawn from for the initialisation, then for drop-path masks. */
    readonly rng: Random,
    private readonly prefix = 'backbone.',
  ) {
    const { patchSize: p, embedDim: d, depth, numHeads, imageSize, inChannels } = config;
    for (const [k, v] of Object.entries({
      patchSize: p,
      embedDim: d,
      depth,
      numHeads,
      imageSize,
      inChannels,
    })) {
      if (!Number.isInteger(v) || v < 1)
        throw new InvalidArgumentError(`ViT ${k} must be a positive integer, got ${v}`);
    }
    if (d % numHeads !== 0)
      throw new InvalidArgumentError(`ViT embedDim ${d} is not divisible by numHeads ${numHeads}`);
    if (imageSize % p !== 0)
      throw new InvalidArgumentError(`ViT imageSize ${imageSize} is not a multiple of patchSize ${p}`);
    const dpr = config.dropPathRate ?? 0;
    if (!(dpr >= 0 && dpr < 1))
      throw new InvalidArgumentError(`ViT dropPathRate must be in [0, 1), got ${dpr}`);
    this.featureDim = d;
    this.gridSize = imageSize / p;
    this.mlpHidden = Math.round(d * (config.mlpRatio ?? 4));
    const n = this.gridSize * this.gridSize;
    const pre = prefix;
    store.addParam(`${pre}cls_token`, [1, 1, d], truncNormal(rng, d, 0.02), 'same');
    store.addParam(`${pre}pos_embed`, [1, n + 1, d], truncNormal(rng, (n + 1) * d, 0.02), 'same');
    const fanIn = inChannels * p * p;
    store.addParam(
      `${pre}patch_embed.proj.weight`,
      [p, p, inChannels, d],
      linearDefault(rng, fanIn * d, fanIn),
      'HWIO',
    );
    store.addParam(`${pre}patch_embed.proj.bias`, [d], linearDefault(rng, d, fanIn), 'same');
    for (let i = 0; i < depth; i++) {
      const b = `${pre}blocks.${i}.`;
      addLayerNorm(store, `${b}norm1`, d);
      addLinear(store, rng, `${b}attn.qkv`, d, 3 * d, 'trunc_normal');
      addLinear(store, rng, `${b}attn.proj`, d, d, 'trunc_normal');
      addLayerNorm(store, `${b}norm2`, d);
      addLinear(store, rng, `${b}mlp.fc1`, d, this.mlpHidden, 'trunc_normal');
      addLinear(store, rng, `${b}mlp.fc2`, this.mlpHidden, d, 'trunc_normal');
    }
    addLayerNorm(store, `${pre}norm`, d);
  }

  /**
   * Positional embeddings for a gh × gw patch grid, [1, 1 + gh·gw, D]: the stored ones at the
   * training size, else DINO's `interpolate_pos_encoding` (bicubic, scale (g + 0.1)/g0 per axis).
   */
  positionalEmbedding(gh: number, gw: number): tf.Tensor3D {
    const pos = this.store.get(`${this.prefix}pos_embed`) as tf.Tensor3D;
    const g0 = this.gridSize;
    if (gh === g0 && gw === g0) return pos;
    const d = this.featureDim;
    return tf.tidy((): tf.Tensor3D => {
      const cls = tf.slice(pos, [0, 0, 0], [1, 1, d]);
      const grid = tf.reshape(tf.slice(pos, [0, 1, 0], [1, g0 * g0, d]), [g0, g0 * d]);
      const my = tf.tensor2d(bicubicMatrix(g0, gh, (gh + 0.1) / g0), [gh, g0]);
      const mx = tf.tensor2d(bicubicMatrix(g0, gw, (gw + 0.1) / g0), [gw, g0]);
      // rows: [gh, g0·D] → [g0(cols), gh·D] after a transpose, then the columns.
      const rows = tf.transpose(tf.reshape(tf.matMul(my, grid), [gh, g0, d]), [1, 0, 2]);
      const both = tf.reshape(tf.matMul(mx, tf.reshape(rows, [g0, gh * d])), [gw, gh, d]);
      const patches = tf.reshape(tf.transpose(both, [1, 0, 2]), [1, gh * gw, d]);
      return tf.concat([cls, patches], 1) as tf.Tensor3D;
    });
  }

  /**
   * [CLS] features [B, D] of NHWC images whose sides are multiples of the patch size.
   * @throws InvalidArgumentError otherwise.
   */
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
    const { patchSize: p, depth, numHeads } = this.config;
    const [b, h, w] = x.shape;
    if (h % p !== 0 || w % p !== 0) {
      throw new InvalidArgumentError(`ViT input ${h}×${w} is not a multiple of the patch size ${p}`);
    }
    const s = this.store;
    const pre = this.prefix;
    const d = this.featureDim;
    const gh = h / p;
    const gw = w / p;
    return tf.tidy(() => {
      const patches = tf.add(
        tf.conv2d(x, s.get(`${pre}patch_embed.proj.weight`) as tf.Tensor4D, p, 'valid'),
        s.get(`${pre}patch_embed.proj.bias`),
      );
      const cls = tf.tile(s.get(`${pre}cls_token`), [b, 1, 1]);
      let t = tf.add(
        tf.concat([cls, tf.reshape(patches, [b, gh * gw, d])], 1),
        this.positionalEmbedding(gh, gw),
      ) as tf.Tensor3D;
      const n = gh * gw + 1;
      const hd = d / numHeads;
      for (let i = 0; i < depth; i++) {
        const bp = `${pre}blocks.${i}.`;
        const rate = depth > 1 ? ((this.config.dropPathRate ?? 0) * i) / (depth - 1) : 0;
        // attention: [B, N, 3D] → q, k, v [B, H, N, hd]
        const qkv = tf.transpose(
          tf.reshape(linearNd(s, `${bp}attn.qkv`, layerNorm(s, `${bp}norm1`, t, LN_EPS)), [
            b,
            n,
            3,
            numHeads,
            hd,
          ]),
          [2, 0, 3, 1, 4],
        );
        const [q, k, v] = tf.unstack(qkv, 0) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const attn = tf.softmax(tf.mul(tf.matMul(q, k, false, true), hd ** -0.5));
        const o = tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [b, n, d]) as tf.Tensor3D;
        t = tf.add(t, this.dropPath(linearNd(s, `${bp}attn.proj`, o), rate, ctx));
        const m = linearNd(
          s,
          `${bp}mlp.fc2`,
          gelu(linearNd(s, `${bp}mlp.fc1`, layerNorm(s, `${bp}norm2`, t, LN_EPS))),
        );
        t = tf.add(t, this.dropPath(m, rate, ctx));
      }
      const out = layerNorm(s, `${pre}norm`, t, LN_EPS);
      return tf.reshape(tf.slice(out, [0, 0, 0], [b, 1, d]), [b, d]);
    });
  }

  /** Stochastic depth: in training, each sample's branch is dropped with probability `rate`, kept ones scaled 1/(1 − rate). */
  private dropPath(x: tf.Tensor3D, rate: number, ctx: ForwardContext): tf.Tensor3D {
    if (!ctx.training || rate === 0) return x;
    const b = x.shape[0];
    const keep = new Float32Array(b);
    for (let i = 0; i < b; i++) keep[i] = this.rng.uniform(0, 1) < 1 - rate ? 1 / (1 - rate) : 0;
    return tf.mul(x, tf.tensor3d(keep, [b, 1, 1]));
  }
}

/** Forward FLOPs of a ViT on h × w images (2·MACs of the patch conv, the linears and attention). */
export function vitForwardFlops(cfg: VitConfig, h: number, w: number): number {
  const n = (h / cfg.patchSize) * (w / cfg.patchSize);
  const d = cfg.embedDim;
  const hidden = Math.round(d * (cfg.mlpRatio ?? 4));
  const t = n + 1;
  const patch = n * d * cfg.inChannels * cfg.patchSize * cfg.patchSize;
  const block = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * hidden;
  return 2 * (patch + cfg.depth * block);
}
