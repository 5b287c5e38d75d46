import { parseArgs } from 'node:util';
import {
  AsyncCheckpointSaver,
  DEFAULT_KEEP,
  listStepDirs,
  resolveCheckpoint,
  type ResolvedCheckpoint,
} from '../checkpoint/index.js';
import { ensureDir, intFlag, InvalidArgumentError, numFlag, parseConfig, readToken } from '../core/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import {
  LocalTrainConfigSchema,
  parseBackendName,
  RECIPE_NAMES,
  recipeFields,
  selectBackend,
  trainLocal,
  type TrainState,
} from '../twist/index.js';
import { ProgressBar } from './progress-bar.js';
import { trainOnCluster } from './cluster-train.js';
import { followJobLog } from './job-command.js';
import { ClusterClient } from '../client/index.js';
import { defaultStateDir } from '../head/index.js';
import path from 'node:path';

export const TRAIN_USAGE = `twist train --local [options]

Trains TWIST on this process and prints one JSON line per epoch.

  --recipe NAME          the seed's hyper-parameters (spec 4.1): ${RECIPE_NAMES.join(', ')};
                         any flag below overrides one of them (--image-size, --batch-size scale it down)
  --print-config         print the merged config as JSON and exit
  --data-path DIR        MNIST-format directory (grayscale) or ImageFolder root <class>/<image> (RGB)
                         (default ${FASHION_MNIST_DIR})
  --subset-file FILE     ImageFolder: keep the images named there (SimCLR 1 % / 10 % lists)
  --epochs N             (default 1)          --batch-size N     global batch (default 256)
  --max-steps N          stop after N steps (smoke runs)
  --arch resnet|vit-s|vit-b (default resnet)  --drop-path X      ViT stochastic depth (default 0)
  --depth 18|34|50       (default 18)         --width N          stem/first-stage channels (default 16)
  --stem cifar|imagenet  (default cifar)      --hid-dim N        (default 512)   --dim N (default 10)
  --head-act relu|gelu   (default relu)
  --backbone-chunk N     ViTs: images per backbone pass, activations recomputed for the gradient
                         (default 128 when a batch of views is larger; 0: one pass)
  --image-size N         global view side (default: the images' own for MNIST files, 224 for ImageFolder)
  --aug barlow|multicrop (default barlow)     --locals N         multicrop local views (default 6)
  --local-size N         (default 96/224 of --image-size; a multiple of 16 for ViTs)
  --optimizer lars|sgd|adamw (default lars)   --lr X             base lr per 256 images (default 0.5)
  --weight-decay X       (default 1.5e-6)     --weight-decay-end X  cosine to this (default: constant)
  --warmup-epochs X      (default: the seed's rule, capped at the run)   --clip-grad X (AdamW, default 0: off)
  --lam1 X --lam2 X --tau X                   loss weights (defaults 0, 1, 1)
  --mme-epochs N         TWIST epochs before the self-labeling phase (default: all, no self-labeling)
  --lr-sl X              self-labeling base lr per 256 images (default 0.05)
  --quantile X --quantile-end X   self-labeling confidence quantile, cosine (defaults 0.5, 0.6)
  --momentum-encoder X   teacher by EMA from X to 1 over the TWIST phase (the ViT recipes: 0.996)
  --crop-scale-min X     barlow crop scale minimum (default 0.2)   --seed N (default 0)
  --run-dir DIR          checkpoints go there (step-<n>/ with shards and manifest.json, LATEST)
  --checkpoint-every N   also save every N steps (default 0: at the end, and on Ctrl-C)
  --checkpoint-shards N  shards per checkpoint, written in parallel (default 1)
  --keep N               checkpoints kept (default ${DEFAULT_KEEP})
  --resume               continue the run in --run-dir from its LATEST checkpoint (or the newest that
                         validates); its config is kept, flags given here override it
  --log-every N          also print a JSON line every N steps (default 0: epochs only)
  --head HOST:PORT       submit the run to the cluster instead: the head runs its driver (a loader and a
                         trainer per bundle, ring all-reduce, SyncBatchNorm), prints the job id, then
                         follows its log until it ends (\`twist job status|logs|stop ID\` meanwhile)
    --detach             print the job id and return at once
    --trainers N         (default 2)          --gpus-per-trainer N (default 0)
    --min-trainers N     elastic: go on with as few as N trainers when nodes are lost (default --trainers)
    --local-bn           BatchNorm over each trainer's share (default: SyncBatchNorm over the global batch)
    --balance-shares     split each global batch in proportion to the trainers' measured speeds, so
                         that none waits for a slower one (the update is the same; default: equally)
    --eval-train-images N --eval-test-images N   the evaluator's subsets (default: whole splits)
    --skip-eval          no evaluation of the final checkpoint
    --eval-every N       also evaluate the checkpoint at every N steps while training goes on
    --loaders-per-trainer N   loader actors feeding each trainer (default 1)
    --max-failures N     failures survived, each resumed from the last checkpoint (default 3)
    --token-file FILE    the cluster token (default: TWIST_TOKEN, else ~/.twist/token)
                         --run-dir is required (shared storage); --batch-size is the global batch
  --backend auto|torch|tensorflow|wasm|cpu   (default: TWIST_BACKEND, else auto)
  --threads N            compute threads, wasm or ATen (default: TWIST_WASM_THREADS, else all cores)
`;

/** `twist train --local`: parses flags at the edge, validates them with the config schema, trains. */
export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      local: { type: 'boolean' },
      recipe: { type: 'string' },
      'print-config': { type: 'boolean' },
      'data-path': { type: 'string' },
      'subset-file': { type: 'string' },
      arch: { type: 'string' },
      'drop-path': { type: 'string' },
      'backbone-chunk': { type: 'string' },
      'head-act': { type: 'string' },
      'image-size': { type: 'string' },
      aug: { type: 'string' },
      locals: { type: 'string' },
      'local-size': { type: 'string' },
      'weight-decay-end': { type: 'string' },
      'clip-grad': { type: 'string' },
      'mme-epochs': { type: 'string' },
      'lr-sl': { type: 'string' },
      quantile: { type: 'string' },
      'quantile-end': { type: 'string' },
      'momentum-encoder': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'max-steps': { type: 'string' },
      depth: { type: 'string' },
      width: { type: 'string' },
      stem: { type: 'string' },
      'hid-dim': { type: 'string' },
      dim: { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      'warmup-epochs': { type: 'string' },
      lam1: { type: 'string' },
      lam2: { type: 'string' },
      tau: { type: 'string' },
      'crop-scale-min': { type: 'string' },
      seed: { type: 'string' },
      'run-dir': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      'checkpoint-shards': { type: 'string' },
      keep: { type: 'string' },
      resume: { type: 'boolean' },
      'log-every': { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      head: { type: 'string' },
      trainers: { type: 'string' },
      'max-failures': { type: 'string' },
      'gpus-per-trainer': { type: 'string' },
      'min-trainers': { type: 'string' },
      'local-bn': { type: 'boolean' },
      'balance-shares': { type: 'boolean' },
      'eval-train-images': { type: 'string' },
      'eval-test-images': { type: 'string' },
      'skip-eval': { type: 'boolean' },
      'eval-every': { type: 'string' },
      'loaders-per-trainer': { type: 'string' },
      'token-file': { type: 'string' },
      detach: { type: 'boolean' },
      // Set by the head for the driver of a submitted job.
      'job-id': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(TRAIN_USAGE);
    return 0;
  }
  const flags: Record<string, unknown> = {
    dataPath: values['data-path'],
    subsetFile: values['subset-file'],
    epochs: numFlag('epochs', values.epochs),
    batchSize: numFlag('batch-size', values['batch-size']),
    maxSteps: numFlag('max-steps', values['max-steps']),
    arch: values.arch,
    depth: numFlag('depth', values.depth),
    width: numFlag('width', values.width),
    stem: values.stem,
    dropPath: numFlag('drop-path', values['drop-path']),
    backboneChunk: numFlag('backbone-chunk', values['backbone-chunk']),
    hidDim: numFlag('hid-dim', values['hid-dim']),
    dim: numFlag('dim', values.dim),
    headAct: values['head-act'],
    imageSize: numFlag('image-size', values['image-size']),
    aug: values.aug,
    locals: numFlag('locals', values.locals),
    localSize: numFlag('local-size', values['local-size']),
    optimizer: values.optimizer,
    baseLr: numFlag('lr', values.lr),
    weightDecay: numFlag('weight-decay', values['weight-decay']),
    weightDecayEnd: numFlag('weight-decay-end', values['weight-decay-end']),
    warmupEpochs: numFlag('warmup-epochs', values['warmup-epochs']),
    clipGrad: numFlag('clip-grad', values['clip-grad']),
    lam1: numFlag('lam1', values.lam1),
    lam2: numFlag('lam2', values.lam2),
    tau: numFlag('tau', values.tau),
    mmeEpochs: numFlag('mme-epochs', values['mme-epochs']),
    lrSl: numFlag('lr-sl', values['lr-sl']),
    quantile: numFlag('quantile', values.quantile),
    quantileEnd: numFlag('quantile-end', values['quantile-end']),
    momentumEncoder: numFlag('momentum-encoder', values['momentum-encoder']),
    cropScaleMin: numFlag('crop-scale-min', values['crop-scale-min']),
    seed: numFlag('seed', values.seed),
    runDir: values['run-dir'],
    checkpointEvery: numFlag('checkpoint-every', values['checkpoint-every']),
  };
  const given = {
    ...(values.recipe ? recipeFields(values.recipe) : {}),
    ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
  };
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  if (values['print-config']) {
    const cfg = parseConfig(LocalTrainConfigSchema, { dataPath: FASHION_MNIST_DIR, ...given }, 'twist train');
    process.stdout.write(`${JSON.stringify(cfg, null, 2)}\n`);
    return 0;
  }
  if (!values.local && !values.head)
    throw new InvalidArgumentError(
      'twist train: say where: --local (this process) or --head HOST:PORT (the cluster)',
    );
  if (values.local && values.head)
    throw new InvalidArgumentError('twist train: --local and --head exclude each other');
  if (values.head) {
    if (!values['run-dir'])
      throw new InvalidArgumentError(
        'twist train --head: --run-dir DIR (on storage every worker reaches) is required',
      );
    const run = parseConfig(LocalTrainConfigSchema, { dataPath: FASHION_MNIST_DIR, ...given }, 'twist train');
    const token = readToken(values['token-file'], path.join(defaultStateDir(), 'token'));
    const trainers = intFlag('trainers', values.trainers) ?? 2;
    const minTrainers = intFlag('min-trainers', values['min-trainers']);
    if (minTrainers !== undefined && minTrainers > trainers)
      throw new InvalidArgumentError(`--min-trainers ${minTrainers} exceeds --trainers ${trainers}`);
    if (!values['job-id']) return submitAndFollow(values.head, token, argv, Boolean(values.detach));
    // The run directory, checkpoint period and step cap are the driver's; the rest goes to trainers.
    const { runDir, checkpointEvery, maxSteps, ...config } = run;
    const result = await trainOnCluster({
      head: values.head,
      token,
      attachJob: values['job-id'],
      config,
      trainers,
      ...(minTrainers !== undefined ? { minTrainers } : {}),
      syncBatchNorm: !values['local-bn'],
      balanceShares: Boolean(values['balance-shares']),
      evaluate: !values['skip-eval'],
      evalEvery: intFlag('eval-every', values['eval-every'], 0),
      loadersPerTrainer: intFlag('loaders-per-trainer', values['loaders-per-trainer']),
      evalTrainImages: intFlag('eval-train-images', values['eval-train-images']),
      evalTestImages: intFlag('eval-test-images', values['eval-test-images']),
      runDir: values['run-dir'],
      checkpointEvery: intFlag('checkpoint-every', values['checkpoint-every'], 0) ?? 0,
      keep: intFlag('keep', values.keep) ?? DEFAULT_KEEP,
      maxFailures: intFlag('max-failures', values['max-failures'], 0) ?? 3,
      gpusPerTrainer: intFlag('gpus-per-trainer', values['gpus-per-trainer'], 0) ?? 0,
      ...(values.backend ? { backend: values.backend } : {}),
      ...(values.threads ? { threads: intFlag('threads', values.threads)! } : {}),
      ...(maxSteps ? { maxSteps } : {}),
      logSteps: (numFlag('log-every', values['log-every']) ?? 0) > 0,
    });
    process.stdout.write(`${JSON.stringify({ ...result, ...(result.evaluation ?? {}) })}\n`);
    return 0;
  }
  let resumed: ResolvedCheckpoint | undefined;
  if (values.resume) {
    if (!values['run-dir']) throw new InvalidArgumentError('twist train: --resume needs --run-dir DIR');
    if ((await listStepDirs(values['run-dir'])).length === 0)
      say(`no checkpoint in ${values['run-dir']} yet: starting from step 0`);
    else resumed = await resolveCheckpoint(values['run-dir']);
    for (const f of resumed?.fellBack ?? []) say(`resume: passing over ${f.from}: ${f.reason}`);
  }
  const saved = (resumed?.checkpoint.manifest.config ?? {}) as Record<string, unknown>;
  const cfg = parseConfig(
    LocalTrainConfigSchema,
    { dataPath: FASHION_MNIST_DIR, ...saved, ...given },
    'twist train',
  );
  const backend = await selectBackend({
    name: values.backend ? parseBackendName(values.backend, '--backend') : undefined,
    threads: numFlag('threads', values.threads),
  });
  say(`backend: ${backend.name} (${backend.detail})`);
  let resume: TrainState | undefined;
  if (resumed) {
    const { manifest, dir } = resumed.checkpoint;
    const stepInEpoch = manifest.meta['stepInEpoch'];
    if (typeof stepInEpoch !== 'number')
      throw new InvalidArgumentError(
        `${dir}/manifest.json: meta.stepInEpoch is missing: not a training checkpoint`,
      );
    resume = {
      step: manifest.step,
      epoch: manifest.epoch,
      stepInEpoch,
      tensors: resumed.state,
    };
    say(
      `resuming from ${dir} (step ${manifest.step}, epoch ${manifest.epoch + 1}, step ${stepInEpoch} of it)`,
    );
  }
  const saver = cfg.runDir
    ? new AsyncCheckpointSaver(cfg.runDir, {
        writers: intFlag('checkpoint-shards', values['checkpoint-shards']) ?? 1,
        keep: intFlag('keep', values.keep) ?? DEFAULT_KEEP,
      })
    : undefined;
  // Fail before training, not after it, when the run directory cannot be created.
  if (cfg.runDir) await ensureDir(cfg.runDir);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after this step (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const logEvery = numFlag('log-every', values['log-every']) ?? 0;
  if (!Number.isInteger(logEvery) || logEvery < 0)
    throw new InvalidArgumentError(`--log-every: expected a whole number ≥ 0, got ${logEvery}`);
  const bar = new ProgressBar();
  // The run's config with the data's channels and view sizes (what checkpoints record).
  let runConfig = cfg;
  let skipped = 0;
  try {
    const result = await trainLocal(cfg, {
      signal: controller.signal,
      resume,
      onStart: (info) => {
        runConfig = info.config;
        say(`data: ${info.description}; ${info.stepsPerEpoch} steps per epoch`);
      },
      onSkip: (file, reason) => {
        skipped++;
        bar.clear();
        say(`warning: skipping ${file} (${reason}); ${skipped} skipped so far`);
      },
      onCheckpoint: saver
        ? async (state) => {
            await saver.save(state.tensors, {
              step: state.step,
              epoch: state.epoch,
              config: runConfig,
              meta: { stepInEpoch: state.stepInEpoch, backend: backend.name },
            });
          }
        : undefined,
      onStep: (r) => {
        if (logEvery > 0 && r.step % logEvery === 0) {
          bar.clear();
          const { step, loss, kl, eh, he, lr, seconds, threshold, kept } = r;
          process.stdout.write(
            `${JSON.stringify({ step, epoch: r.epoch + 1, loss, kl, eh, he, lr, seconds, threshold, kept })}\n`,
          );
        }
        bar.update(
          r.stepInEpoch,
          r.stepsPerEpoch,
          `epoch ${r.epoch + 1}/${cfg.epochs} loss ${r.loss.toFixed(4)} lr ${r.lr.toFixed(4)} ${r.seconds.toFixed(2)} s/step`,
        );
      },
      onEpoch: (r) => {
        bar.clear();
        process.stdout.write(`${JSON.stringify({ ...r, backend: backend.name })}\n`);
      },
    });
    bar.clear();
    const dir = await saver?.flush();
    if (dir) say(`checkpoint saved: ${dir}`);
    result.model.dispose();
    return result.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await saver?.close();
  }
}

/** Flags of `twist train --head` that are the submitter's, not the driver's (with their values). */
const SUBMITTER_FLAGS: Record<string, boolean> = { '--head': true, '--token-file': true, '--detach': false };
/** Flags whose path values are made absolute before they go to the head (its working directory differs). */
const PATH_FLAGS = new Set(['--run-dir', '--data-path']);

/**
 * `twist train --head` without a driver of its own: submits the run's flags to the head, prints
 * `{"job_id", "log_path"}`, and unless `detach` follows the driver's log (on stderr) until the job
 * ends, then prints the job as JSON. @returns 0 when it finished, 1 otherwise.
 */
async function submitAndFollow(
  head: string,
  token: string,
  argv: string[],
  detach: boolean,
): Promise<number> {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (flag in SUBMITTER_FLAGS) {
      if (SUBMITTER_FLAGS[flag] && inline === undefined) i++;
      continue;
    }
    if (PATH_FLAGS.has(flag)) {
      const v = inline ?? argv[++i]!;
      args.push(flag, path.resolve(v));
      continue;
    }
    args.push(a);
  }
  const client = await ClusterClient.connect({ head, token, job: false });
  try {
    const runDir = args[args.indexOf('--run-dir') + 1]!;
    const { jobId, logPath } = await client.submitJob(`twist-run ${path.basename(runDir)}`, args);
    process.stdout.write(`${JSON.stringify({ job_id: jobId, log_path: logPath })}\n`);
    if (detach) return 0;
    process.stderr.write(
      `job ${jobId} submitted; following its driver's log (Ctrl-C stops following, not the job)\n`,
    );
    const state = await followJobLog(client, jobId, (b) => process.stderr.write(b));
    const job = await client.jobStatus(jobId);
    process.stdout.write(`${JSON.stringify(job.job)}\n`);
    return state === 'FINISHED' ? 0 : 1;
  } finally {
    await client.close();
  }
}
