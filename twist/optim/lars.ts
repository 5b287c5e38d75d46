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

export interface LarsOptions {
  /** Default 0.9. */
  momentum?: number;
  /** Trust coefficient, default 0.001. */
  eta?: number;
}

/**
 * LARS as the seed's `LARS_OPENSELF` (spec §4.3), per parameter p with gradient g:
 * local_lr = η‖p‖ / (‖g‖ + wd‖p‖) for regular weights (1 when either norm is 0), 1 for excluded ones
 * (biases, 1-D; also wd = 0); d = (g + wd·p)·local_lr·lr; buf = d on the first step, else
 * momentum·buf + d (momentum on the already-scaled step); p −= buf. No dampening, no Nesterov.
 */
export class Lars implements Optimizer {
  readonly name = 'lars';
  private buf: Float32Array | undefined;
  private steps = 0;
  private readonly momentum: number;
  private readonly eta: number;

  constructor(opts: LarsOptions = {}) {
    this.momentum = opts.momentum ?? 0.9;
    this.eta = opts.eta ?? 0.001;
    if (!(this.momentum >= 0 && this.momentum < 1))
      throw new InvalidArgumentError(`LARS momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.eta > 0)) throw new InvalidArgumentError(`LARS eta must be positive, got ${this.eta}`);
  }

  step(params: Float32Array, grads: Float32Array, segments: readonly ParamSegment[], hyper: StepHyper): void {
    const first = !this.buf;
    this.steps++;
    const buf = (this.buf ??= new Float32Array(params.length));
    const m = this.momentum;
    const native = nativeOptim();
    for (const s of segments) {
      const wd = s.regular ? hyper.weightDecay : 0;
      let local = 1;
      if (s.regular) {
        const pn = Math.sqrt(sumSquares(params, s.offset, s.size));
        const gn = Math.sqrt(sumSquares(grads, s.offset, s.size));
        if (pn > 0 && gn > 0) local = (this.eta * pn) / (gn + wd * pn);
      }
      const scale = local * hyper.lr;
      if (native) {
        native.larsUpdate(params, grads, buf, s.offset, s.size, wd, scale, m, first);
        continue;
      }
      for (let i = s.offset, end = s.offset + s.size; i < end; i++) {
        const d = (grads[i]! + wd * params[i]!) * scale;
        const b = first ? d : m * buf[i]! + d;
        buf[i] = b;
        params[i]! -= b;
      }
    }
  }

  state(): OptimizerState {
    return { steps: this.steps, buffers: this.buf ? { momentum_buffer: this.buf } : {} };
  }

  loadState(state: OptimizerState, size: number): void {
    [this.buf] = checkedBuffers('LARS', state, ['momentum_buffer'], size);
    this.steps = state.steps;
  }
}
