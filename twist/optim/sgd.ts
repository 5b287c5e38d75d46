import { InvalidArgumentError } from '../../core/index.js';
import type { ParamSegment } from './flat-params.js';
import { checkedBuffers, type Optimizer, type OptimizerState, type StepHyper } from './optimizer.js';
import { nativeOptim } from './native-optim.js';

/**
 * SGD with momentum as `torch.optim.SGD` (dampening 0, no Nesterov): d = g + wd·p (regular weights
 * only); buf = d on the first step, else momentum·buf + d; p −= lr·buf.
 */
export class Sgd implements Optimizer {
  readonly name = 'sgd';
  private buf: Float32Array | undefined;
  private steps = 0;

  constructor(private readonly momentum = 0.9) {
    if (!(momentum >= 0 && momentum < 1))
      throw new InvalidArgumentError(`SGD momentum must be in [0, 1), got ${momentum}`);
  }

  step(params: Float32Array, grads: Float32Array, segments: readonly ParamSegment[], hyper: StepHyper): void {
    const first = !this.buf;
    this.steps++;
    const buf = (this.buf ??= new Float32Array(params.length));
    const m = this.momentum;
    const native = nativeOptim();
    for (const s of segments) {
      const wd = s.regular ? hyper.weightDecay : 0;
      if (native) {
        native.sgdUpdate(params, grads, buf, s.offset, s.size, wd, hyper.lr, m, first);
        continue;
      }
      for (let i = s.offset, end = s.offset + s.size; i < end; i++) {
        const d = grads[i]! + wd * params[i]!;
        const b = m === 0 ? d : first ? d : m * buf[i]! + d;
        buf[i] = b;
        params[i]! -= hyper.lr * b;
      }
    }
  }

  state(): OptimizerState {
    return { steps: this.steps, buffers: this.buf ? { momentum_buffer: this.buf } : {} };
  }

  loadState(state: OptimizerState, size: number): void {
    [this.buf] = checkedBuffers('SGD', state, ['momentum_buffer'], size);
    this.steps = state.steps;
  }
}
