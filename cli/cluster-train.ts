import path from 'node:path';
import { ClusterClient, runDistributed, type RunResult } from '../client/index.js';
import type { TlsFiles } from '../core/index.js';
import { ProgressBar } from './progress-bar.js';

/** What `twist train --head` and `twist demo` pass to a cluster run. */
export interface ClusterTrainOptions {
  head: string;
  token: string;
  tls?: TlsFiles;
  config: Record<string, unknown> & { dataPath: string; batchSize: number; epochs: number };
  trainers: number;
  minTrainers?: number;
  syncBatchNorm?: boolean;
  /** Shares of each global batch balanced to the trainers' speeds (default false: equal). */
  balanceShares?: boolean;
  /** The submitted job this driver runs for (the head started it). */
  attachJob?: string;
  runDir: string;
  checkpointEvery: number;
  keep?: number;
  maxFailures: number;
  gpusPerTrainer: number;
  backend?: string;
  threads?: number;
  maxSteps?: number;
  /** Evaluate the final checkpoint (default true) on these subsets (default: whole splits). */
  evaluate?: boolean;
  /** Also evaluate a checkpoint every N steps while training goes on (default 0: only the final). */
  evalEvery?: number;
  loadersPerTrainer?: number;
  evalTrainImages?: number | undefined;
  evalTestImages?: number | undefined;
  /** Print one JSON line per step on stdout (besides the progress bar on stderr). */
  logSteps?: boolean;
}

/**
 * Submits a distributed TWIST run through a driver in this process: progress bar on stderr, the
 * run's events as lines on stderr, the result returned. Ctrl-C stops after the current stretch.
 */
export async function trainOnCluster(o: ClusterTrainOptions): Promise<RunResult> {
  const client = await ClusterClient.connect({
    head: o.head,
    token: o.token,
    tls: o.tls,
    jobName: `twist-run ${path.basename(o.runDir)}`,
    ...(o.attachJob ? { attachJob: o.attachJob } : {}),
  });
  const bar = new ProgressBar();
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nstopping at the next checkpoint (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  let failed: string | undefined;
  const say = (s: string): void => {
    bar.clear();
    process.stderr.write(`${s}\n`);
  };
  try {
    return await runDistributed(client, {
      config: o.config,
      trainers: o.trainers,
      ...(o.minTrainers !== undefined ? { minTrainers: o.minTrainers } : {}),
      ...(o.syncBatchNorm !== undefined ? { syncBatchNorm: o.syncBatchNorm } : {}),
      ...(o.balanceShares !== undefined ? { balanceShares: o.balanceShares } : {}),
      runDir: path.resolve(o.runDir),
      checkpointEvery: o.checkpointEvery,
      ...(o.keep ? { keep: o.keep } : {}),
      maxFailures: o.maxFailures,
      gpusPerTrainer: o.gpusPerTrainer,
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.threads ? { threads: o.threads } : {}),
      ...(o.maxSteps ? { maxSteps: o.maxSteps } : {}),
      ...(o.evaluate === false ? { evaluate: false } : {}),
      ...(o.evalEvery ? { evalEvery: o.evalEvery } : {}),
      ...(o.loadersPerTrainer ? { loadersPerTrainer: o.loadersPerTrainer } : {}),
      ...(o.evalTrainImages ? { evalTrainImages: o.evalTrainImages } : {}),
      ...(o.evalTestImages ? { evalTestImages: o.evalTestImages } : {}),
      signal: controller.signal,
      onStep: (s) => {
        if (o.logSteps) {
          bar.clear();
          process.stdout.write(`${JSON.stringify(s)}\n`);
        }
        bar.update(
          s.step,
          s.totalSteps,
          `step ${s.step}/${s.totalSteps} loss ${s.loss.toFixed(4)} ${s.imagesPerS.toFixed(0)} img/s (all-reduce ${(1000 * s.allreduceS).toFixed(0)} ms, data wait ${(1000 * s.dataWaitS).toFixed(0)} ms)`,
        );
      },
      onEvent: (e) => {
        if (e.kind === 'group-ready')
          say(
            `trainers ready: ${e.trainers} (ring generation ${e.generation}, ${e.seconds.toFixed(1)} s${e.resumedFrom ? `, resumed at step ${e.resumedFrom}` : ''})`,
          );
        else if (e.kind === 'checkpoint') say(`checkpoint committed: ${e.dir}`);
        else if (e.kind === 'failure')
          say(`failure ${e.failures} at step ${e.step}: ${e.cause} — rescheduling from the last checkpoint`);
        else if (e.kind === 'resize')
          say(`room for more trainers: re-forming the group at step ${e.step} with ${e.to} (was ${e.from})`);
        else if (e.kind === 'eval-failed')
          say(`evaluation of the step-${e.step} checkpoint failed: ${e.cause}`);
        else if (e.kind === 'eval-skipped') say(`no evaluation: ${e.cause}`);
        else say(`evaluation at step ${e.step}: ${JSON.stringify(e.figures)}`);
      },
    });
  } catch (err) {
    failed = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    bar.clear();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await client.close(failed === undefined ? {} : { failed });
  }
}
