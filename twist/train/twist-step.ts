import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';
import { momentumTwistLoss, multiCropTwistLoss, twistLoss } from '../loss.js';
import type { TwistModel } from '../models/index.js';
import { DEFERRABLE_BACKWARD_KERNELS, withDeferredKernels, type ReplicaSum } from '../nn/index.js';
import { emaUpdate, FlatParams, type Optimizer } from '../optim/index.js';
import { selfLabelLoss } from '../self-label-loss.js';
import { chunkedForward, chunkedVariableGrads, DEFAULT_BACKBONE_CHUNK } from './chunked-backbone.js';
import type { TrainStepHyper } from './run-schedule.js';

/** A step's loss terms (host numbers); in the self-labeling phase also its threshold and kept count. */
export interface StepTerms {
  /** The optimised loss: TWIST's, or the self-labeling cross-entropy. */
  loss: number;
  kl: number;
  eh: number;
  he: number;
  threshold?: number;
  kept?: number;
}

/**
 * One training step of TWIST on n ≥ 2 views (0 and 1 global): the backbone per resolution group,
 * the head once over all views, the loss of the phase (two views: the pair loss; more: the 2n − 3
 * (global, other) pairs of spec §4.4(a); with a teacher: spec §4.4(b) against the teacher's global
 * views; self-labeling: the confidence-masked cross-entropy of spec §4.5, TWIST's terms logged only),
 * gradients of every parameter, the optimizer step on the flat host copy, upload, and the teacher's
 * EMA.
 */
export class TwistStep {
  readonly flat: FlatParams;
  /** The momentum encoder's flat parameters (runs with a teacher). */
  readonly teacherFlat?: FlatParams;
  private readonly grads: Float32Array;
  private readonly vars: tf.Variable[];
  private readonly phaseMs = {
    forward_backward: [] as number[],
    grads_download: [] as number[],
    optimizer: [] as number[],
    upload: [] as number[],
  };

  /**
   * @param teacher a model of the same configuration; it is made a copy of `model` here.
   * @param backboneChunk images per backbone pass for a backbone without BatchNorm (a ViT), with
   * the activations recomputed for the gradient ({@link chunkedVariableGrads}); 0: the whole
   * batch in one pass. Default {@link DEFAULT_BACKBONE_CHUNK}; used only when a resolution group
   * holds more images than that.
   */
  constructor(
    readonly model: TwistModel,
    readonly optimizer: Optimizer,
    private readonly lossOpts: { lam1: number; lam2: number; tau: number; eps: number },
    readonly teacher?: TwistModel,
    private readonly backboneChunk = DEFAULT_BACKBONE_CHUNK,
  ) {
    this.flat = new FlatParams(model.store);
    this.grads = new Float32Array(this.flat.size);
    this.vars = model.store.params.map((p) => p.variable);
    if (teacher) {
      this.teacherFlat = new FlatParams(teacher.store);
      if (this.teacherFlat.size !== this.flat.size)
        throw new InvalidArgumentError(
          `teacher has ${this.teacherFlat.size} parameters, the model ${this.flat.size}`,
        );
      this.teacherFlat.values.set(this.flat.values);
      this.teacherFlat.upload();
    }
  }

  /** Runs one step on NHWC view batches (views 0 and 1 global); returns the loss terms. */
  run(views: tf.Tensor4D[], hyper: TrainStepHyper): StepTerms {
    const { terms, t0, t1 } = this.forwardBackward(views, hyper);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    const t3 = performance.now();
    this.flat.upload();
    this.updateTeacher(hyper);
    const t4 = performance.now();
    this.record({ forward_backward: t1 - t0, grads_download: t2 - t1, optimizer: t3 - t2, upload: t4 - t3 });
    return terms;
  }

  /**
   * One data-parallel step on this replica's share of the batch (its n views, as {@link run}):
   * forward/backward, then `reduce` averages the flat gradients across replicas (the ring
   * all-reduce), then the optimizer step on the averaged gradients and the teacher's EMA. Every
   * replica that starts equal stays equal. With `sync` HE is over the global batch mean (spec §1.2)
   * and the returned terms are the global batch's (KL and EH averaged over the replicas); with
   * `syncBatchNorm` (default true) BatchNorm statistics are over all replicas too (SyncBatchNorm),
   * and then W replicas on N/W images each apply the update one replica applies on N. The
   * self-labeling phase's confidence threshold is each replica's own (over its share, as the seed's
   * per-GPU threshold, spec §4.5); its loss is the replicas' mean.
   * @returns the loss terms and the seconds spent computing and reducing.
   * @throws whatever `reduce` or `sync` throw when the group fails.
   */
  async runReduced(
    views: tf.Tensor4D[],
    hyper: TrainStepHyper,
    reduce: (grads: Float32Array) => Promise<void>,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): Promise<StepTerms & { computeS: number; reduceS: number }> {
    const { terms, t0 } = this.forwardBackward(views, hyper, sync, syncBatchNorm);
    const t1 = performance.now();
    await reduce(this.grads);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    this.flat.upload();
    this.updateTeacher(hyper);
    const t3 = performance.now();
    return { ...terms, computeS: (t1 - t0 + (t3 - t2)) / 1000, reduceS: (t2 - t1) / 1000 };
  }

  private updateTeacher(hyper: TrainStepHyper): void {
    if (!this.teacherFlat) return;
    if (hyper.momentum === undefined)
      throw new InvalidArgumentError('a step with a momentum encoder needs hyper.momentum');
    emaUpdate(this.teacherFlat.values, this.flat.values, hyper.momentum);
    this.teacherFlat.upload();
  }

  private forwardBackward(
    views: tf.Tensor4D[],
    hyper: TrainStepHyper,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): { terms: StepTerms; t0: number; t1: number } {
    if (views.length < 2)
      throw new InvalidArgumentError(`a TWIST step needs at least 2 views, got ${views.length}`);
    const t0 = performance.now();
    const ctx = { training: true, ...(syncBatchNorm && sync ? { sync } : {}) };
    const chunk = this.chunkFor(views);
    // The teacher sees the two global views in training mode (batch statistics) and takes no gradient.
    const teacher = this.teacher && hyper.quantile === undefined ? this.teacher : undefined;
    const teacherZ = teacher
      ? chunk > 0
        ? chunkedForward(teacher, views.slice(0, 2), ctx, chunk)
        : tf.tidy(() => teacher.forward(views.slice(0, 2), ctx))
      : undefined;
    let terms: tf.Scalar[] = [];
    const selfLabel: { threshold?: number; kept?: number } = {};
    const lossOf = (zs: tf.Tensor2D[]): tf.Scalar => {
      const opts = { ...this.lossOpts, sync };
      const t = teacherZ
        ? momentumTwistLoss(teacherZ, zs, opts)
        : zs.length > 2
          ? multiCropTwistLoss(zs, opts)
          : twistLoss(zs[0]!, zs[1]!, opts);
      terms = [tf.keep(t.kl), tf.keep(t.eh), tf.keep(t.he)];
      if (hyper.quantile === undefined) return t.loss;
      const sl = selfLabelLoss(zs, { quantile: hyper.quantile, tau: this.lossOpts.tau });
      selfLabel.threshold = sl.threshold;
      selfLabel.kept = sl.kept;
      return sl.loss;
    };
    const gradsOf = (): { value: tf.Scalar; grads: tf.NamedTensorMap } =>
      chunk > 0
        ? chunkedVariableGrads(this.model, views, ctx, chunk, lossOf)
        : tf.variableGrads(() => lossOf(this.model.forward(views, ctx)), this.vars);
    // With SyncBatchNorm over replicas, the filter gradients wait to fill the BatchNorm sums' waits.
    const { value, grads } =
      ctx.sync && ctx.sync.worldSize > 1
        ? withDeferredKernels(DEFERRABLE_BACKWARD_KERNELS, gradsOf)
        : gradsOf();
    if (teacherZ) tf.dispose(teacherZ);
    let loss = value.dataSync()[0]!;
    const [klLocal, ehLocal, he] = terms.map((t) => t.dataSync()[0]!) as [number, number, number];
    let [kl, eh] = [klLocal, ehLocal];
    tf.dispose([value, ...terms]);
    if (sync && sync.worldSize > 1) {
      // HE is already the global batch's; KL and EH are local means (weighted by the share, see
      // twistLoss): the global is their average.
      // Self-labeling: the loss is the replicas' mean, the kept count the global batch's.
      const sl = selfLabel.kept !== undefined;
      const g = sync.sum(Float32Array.of(kl, eh, sl ? loss : 0, selfLabel.kept ?? 0));
      kl = g[0]! / sync.worldSize;
      eh = g[1]! / sync.worldSize;
      loss = sl ? g[2]! / sync.worldSize : kl + (1 + this.lossOpts.lam1) * eh - this.lossOpts.lam2 * he;
      if (sl) selfLabel.kept = g[3]!;
    }
    const t1 = performance.now();
    this.flat.flattenGrads(grads, this.grads);
    return { terms: { loss, kl, eh, he, ...selfLabel }, t0, t1 };
  }

  /** The backbone's chunk for these views: 0 unless it is per-sample and a resolution group exceeds it. */
  private chunkFor(views: tf.Tensor4D[]): number {
    if (this.backboneChunk <= 0 || !this.model.backbonePerSample) return 0;
    const largest = Math.max(...this.model.resolutionGroups(views).map((g) => g.length * g[0]!.shape[0]));
    return largest > this.backboneChunk ? this.backboneChunk : 0;
  }

  /** Milliseconds per phase of the last (up to 100) steps. */
  timings(): Readonly<
    Record<'forward_backward' | 'grads_download' | 'optimizer' | 'upload', readonly number[]>
  > {
    return this.phaseMs;
  }

  private record(ms: Record<keyof TwistStep['phaseMs'], number>): void {
    for (const k of Object.keys(ms) as (keyof TwistStep['phaseMs'])[]) {
      const a = this.phaseMs[k];
      a.push(ms[k]);
      if (a.length > 100) a.shift();
    }
  }
}
