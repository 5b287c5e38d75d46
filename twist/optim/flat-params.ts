import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';
import type { ParamStore } from '../nn/param-store.js';

/** One parameter's slice of the flat buffers. */
export interface ParamSegment {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
  /**
   * A regular weight: LARS-adapted and weight-decayed. False for every bias and 1-D parameter
   * (BN γ/β), which the seed puts in the excluded group (full lr, no decay, no LARS).
   */
  readonly regular: boolean;
}

/** Spec §4.2: biases and every parameter of rank ≤ 1 are excluded from LARS and weight decay. */
export function isRegularWeight(name: string, shape: readonly number[]): boolean {
  return shape.length > 1 && !name.endsWith('.bias');
}

/**
 * A model's trainable parameters as one flat Float32Array in a fixed order (the store's), with the
 * master copy on the host: optimizers and the all-reduce work on it, and {@link upload} writes it
 * back into the tfjs variables once per step.
 */
export class FlatParams {
  readonly segments: ParamSegment[];
  readonly values: Float32Array;
  private readonly params: ParamStore['params'];

  /** @param include which parameters (by name) to hold; default all of the store's. */
  constructor(store: ParamStore, include: (name: string) => boolean = () => true) {
    this.params = store.params.filter((p) => include(p.name));
    let offset = 0;
    this.segments = this.params.map((p) => {
      const seg = {
        name: p.name,
        offset,
        size: p.variable.size,
        shape: p.variable.shape,
        regular: isRegularWeight(p.name, p.variable.shape),
      };
      offset += seg.size;
      return seg;
    });
    this.values = new Float32Array(offset);
    this.download();
  }

  get size(): number {
    return this.values.length;
  }

  /** Copies the variables' current values into {@link values}. */
  download(): void {
    this.params.forEach((p, i) => this.values.set(p.variable.dataSync(), this.segments[i]!.offset));
  }

  /** Writes {@link values} back into the variables. */
  upload(): void {
    this.params.forEach((p, i) => {
      const s = this.segments[i]!;
      tf.tidy(() =>
        p.variable.assign(tf.tensor(this.values.subarray(s.offset, s.offset + s.size), p.variable.shape)),
      );
    });
  }

  /**
   * Flattens gradients keyed by variable name (as `tf.variableGrads` returns them) into one buffer
   * in segment order; disposes all of `grads`.
   * @throws InvalidArgumentError when a parameter has no gradient.
   */
  flattenGrads(grads: tf.NamedTensorMap, out: Float32Array = new Float32Array(this.size)): Float32Array {
    this.params.forEach((p, i) => {
      const g = grads[p.variable.name];
      if (!g) throw new InvalidArgumentError(`no gradient for ${p.name}`);
      out.set(g.dataSync(), this.segments[i]!.offset);
    });
    tf.dispose(grads);
    return out;
  }

  /** The tfjs variables held, in segment order. */
  variables(): tf.Variable[] {
    return this.params.map((p) => p.variable);
  }
}
