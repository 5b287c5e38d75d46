import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';

/**
 * How a stored array is laid out relative to PyTorch's tensor of the same name:
 * - `HWIO`: conv filter [kh, kw, in, out] (PyTorch [out, in, kh, kw]);
 * - `IO`: linear weight [in, out] (PyTorch [out, in]);
 * - `same`: identical (vectors, scalars).
 */
export type ParamLayout = 'HWIO' | 'IO' | 'same';

export interface ParamEntry {
  /** Canonical (torchvision / TWIST seed) name, e.g. `backbone.layer1.0.conv1.weight`. */
  readonly name: string;
  readonly variable: tf.Variable;
  readonly layout: ParamLayout;
}

export interface BufferEntry {
  /** e.g. `backbone.bn1.running_mean`, `projection_heads.norm.num_batches_tracked`. */
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * The named parameters (trainable) and buffers (BN running statistics) of a model, in creation
 * order, which is the order of PyTorch's `state_dict` for the same architecture.
 */
let variableCounter = 0;

export class ParamStore {
  readonly params: ParamEntry[] = [];
  readonly buffers: BufferEntry[] = [];
  private readonly byName = new Map<string, tf.Variable>();

  /** Adds a trainable parameter. @throws InvalidArgumentError on a duplicate name or a size mismatch. */
  addParam(name: string, shape: number[], values: Float32Array, layout: ParamLayout): tf.Variable {
    const v = this.create(name, shape, values, true);
    this.params.push({ name, variable: v, layout });
    return v;
  }

  /** Adds a non-trainable buffer. */
  addBuffer(name: string, shape: number[], values: Float32Array | Int32Array): tf.Variable {
    const v = this.create(name, shape, values, false);
    this.buffers.push({ name, variable: v });
    return v;
  }

  /** @throws InvalidArgumentError when no parameter or buffer has that name. */
  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new InvalidArgumentError(`no parameter or buffer named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Total number of trainable scalars. */
  paramCount(): number {
    return this.params.reduce((n, p) => n + p.variable.size, 0);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.byName.values()) v.dispose();
    this.byName.clear();
    this.params.length = 0;
    this.buffers.length = 0;
  }

  private create(
    name: string,
    shape: number[],
    values: Float32Array | Int32Array,
    trainable: boolean,
  ): tf.Variable {
    if (this.byName.has(name)) throw new InvalidArgumentError(`duplicate parameter name ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new InvalidArgumentError(`${name}: ${values.length} values for shape [${shape.join(',')}]`);
    }
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const v = tf.variable(tf.tensor(values, shape, dtype), trainable, `${name}/${++variableCounter}`, dtype);
    this.byName.set(name, v);
    return v;
  }
}
