import { InvalidArgumentError } from '../../core/index.js';
import type { ParamSegment } from './flat-params.js';
import {
  checkedBuffers,
  sumSquares,
  type Optimizer,
  type OptimizerState,
  type StepHyper,
} from './optimizer.js';
import { nativeOptim } from './native-optim.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Clip the global gradient norm to this before the step (the ViT recipes use 3.0); 0 = off. */
  clipGradNorm?: number;
}

/**
 * Scales `grads` in place so that their global L2 norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_` (coefficient maxNorm / (norm + 1e-6), applied only when < 1).
 * @returns the norm before clipping.
 */
export function clipGradNorm(grads: Float32Array, maxNorm: number): number {
  const norm = Math.sqrt(sumSquares(grads, 0, grads.length));
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (let i = 0; i < grads.length; i++) grads[i]! *= coef;
  return norm;
}

/**
 * AdamW as `torch.optim.AdamW` (defaults β = (0.9, 0.999), eps 1e-8): decoupled decay
 * p ← p·(1 − lr·wd) on regular weights, then the bias-corrected Adam step
 * p −= lr·m̂ / (√v̂ + eps). Optional global-norm clipping first.
 */
export class AdamW implements Optimizer {
  readonly name = 'adamw';
  private m: Float32Array | undefined;
  private v: Float32Array | undefined;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly clip: number;

  constructor(opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.clip = opts.clipGradNorm ?? 0;
    for (const [k, v] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(v >= 0 && v < 1)) throw new InvalidArgumentError(`AdamW ${k} must be in [0, 1), got ${v}`);
    }
  }

  step(params: Float32Array, grads: Float32Array, segments: readonly ParamSegment[], hyper: StepHyper): void {
    if (this.clip > 0) clipGradNorm(grads, this.clip);
    const m = (this.m ??= new Float32Array(params.length));
    const v = (this.v ??= new Float32Array(params.length));
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const bc1 = 1 - b1 ** this.t;
    const bc2 = 1 - b2 ** this.t;
    const stepSize = hyper.lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    const native = nativeOptim();
    for (const s of segments) {
      const decay = s.regular ? 1 - hyper.lr * hyper.weightDecay : 1;
      if (native) {
        native.adamwUpdate(params, grads, m, v, s.offset, s.size, decay, b1, b2, stepSize, sqrtBc2, eps);
        continue;
      }
      for (let i = s.offset, end = s.offset + s.size; i < end; i++) {
        const g = grads[i]!;
        params[i]! *= decay;
        const mi = b1 * m[i]! + (1 - b1) * g;
        const vi = b2 * v[i]! + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i]! -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    }
  }

  state(): OptimizerState {
    return { steps: this.t, buffers: this.m && this.v ? { exp_avg: this.m, exp_avg_sq: this.v } : {} };
  }

  loadState(state: OptimizerState, size: number): void {
    [this.m, this.v] = checkedBuffers('AdamW', state, ['exp_avg', 'exp_avg_sq'], size);
    this.t = state.steps;
  }
}
