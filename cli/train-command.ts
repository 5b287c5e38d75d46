import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../core/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { LocalTrainConfigSchema, parseBackendName, selectBackend, trainLocal } from '../twist/index.js';
import { numFlag } from './flags.js';
import { ProgressBar } from './progress-bar.js';

export const TRAIN_USAGE = `twist train --local [options]

Trains TWIST on this process on an MNIST-format dataset and prints one JSON line per epoch.

  --data-path DIR        MNIST-format directory (default ${FASHION_MNIST_DIR})
  --epochs N             (default 1)          --batch-size N     (default 256)
  --max-steps N          stop after N steps (smoke runs)
  --depth 18|34|50       (default 18)         --width N          stem/first-stage channels (default 16)
  --stem cifar|imagenet  (default cifar)      --hid-dim N        (default 512)   --dim N (default 10)
  --optimizer lars|sgd|adamw (default lars)   --lr X             base lr per 256 images (default 0.5)
  --weight-decay X       (default 1.5e-6)     --warmup-epochs X  (default: the seed's rule, capped at the run)
  --lam1 X --lam2 X --tau X                   loss weights (defaults 0, 1, 1)
  --crop-scale-min X     (default 0.2)        --seed N           (default 0)
  --run-dir DIR          save the trained weights there
  --log-every N          also print a JSON line every N steps (default 0: epochs only)
  --backend auto|tensorflow|wasm|cpu   (default: TWIST_BACKEND, else auto)
  --threads N            wasm threads (default: TWIST_WASM_THREADS, else all cores)
`;

/** `twist train --local`: parses flags at the edge, validates them with the config schema, trains. */
export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      local: { type: 'boolean' },
      'data-path': { type: 'string' },
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
      'log-every': { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(TRAIN_USAGE);
    return 0;
  }
  if (!values.local) {
    throw new InvalidArgumentError(
      'twist train: only --local training exists so far (cluster submission comes with the head)',
    );
  }
  const parsed = LocalTrainConfigSchema.safeParse({
    dataPath: values['data-path'] ?? FASHION_MNIST_DIR,
    epochs: numFlag('epochs', values.epochs),
    batchSize: numFlag('batch-size', values['batch-size']),
    maxSteps: numFlag('max-steps', values['max-steps']),
    depth: numFlag('depth', values.depth),
    width: numFlag('width', values.width),
    stem: values.stem,
    hidDim: numFlag('hid-dim', values['hid-dim']),
    dim: numFlag('dim', values.dim),
    optimizer: values.optimizer,
    baseLr: numFlag('lr', values.lr),
    weightDecay: numFlag('weight-decay', values['weight-decay']),
    warmupEpochs: numFlag('warmup-epochs', values['warmup-epochs']),
    lam1: numFlag('lam1', values.lam1),
    lam2: numFlag('lam2', values.lam2),
    tau: numFlag('tau', values.tau),
    cropScaleMin: numFlag('crop-scale-min', values['crop-scale-min']),
    seed: numFlag('seed', values.seed),
    runDir: values['run-dir'],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(`twist train: ${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  const cfg = parsed.data;
  const backend = await selectBackend({
    name: values.backend ? parseBackendName(values.backend, '--backend') : undefined,
    threads: numFlag('threads', values.threads),
  });
  process.stderr.write(`backend: ${backend.name} (${backend.detail})\n`);

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
  try {
    const result = await trainLocal(cfg, {
      signal: controller.signal,
      onStep: (r) => {
        if (logEvery > 0 && r.step % logEvery === 0) {
          bar.clear();
          const { step, loss, kl, eh, he, lr, seconds } = r;
          process.stdout.write(
            `${JSON.stringify({ step, epoch: r.epoch + 1, loss, kl, eh, he, lr, seconds })}\n`,
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
    if (cfg.runDir) process.stderr.write(`weights saved to ${cfg.runDir}\n`);
    result.model.dispose();
    return result.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
