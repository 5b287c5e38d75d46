import { parseArgs } from 'node:util';
import {
  exportDetectron2,
  exportTfjs,
  exportTorchvision,
  loadModelFromCheckpoint,
  type ExportPart,
} from '../checkpoint/index.js';
import { InvalidArgumentError, writeFileAtomic } from '../core/index.js';
import { parseBackendName, selectBackend } from '../twist/index.js';

export const EXPORT_FORMATS = ['torchvision', 'tfjs', 'detectron2'] as const;

export const EXPORT_USAGE = `twist export --checkpoint DIR --format FORMAT --out PATH [--part backbone|full]

  --checkpoint DIR       a run directory (its LATEST checkpoint, else the newest valid one) or a step-<n> directory
  --format torchvision   a .safetensors file in PyTorch layouts: \`backbone\` (default) with torchvision's
                         ResNet names (loads into torchvision.models.resnetNN() with strict=False, only fc.*
                         missing), \`full\` with the seed's names (backbone.*, projection_heads.*)
  --format tfjs          a directory: model.json (tfjs weightsManifest, seed names, tfjs layouts, the run's
                         config) and group1-shard*.bin; read by tf.io.decodeWeights and twist's loadTfjsExport
  --format detectron2    a .pkl of the backbone with detectron2's names (stem., res2..5, convK.norm, shortcut)
                         as the seed's convert-pretrain-to-detectron2.py writes it (backbone only)
`;

/** `twist export`: writes the checkpoint's weights in another framework's format, atomically. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      checkpoint: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      part: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(EXPORT_USAGE);
    return 0;
  }
  if (!values.checkpoint || !values.out)
    throw new InvalidArgumentError('twist export: --checkpoint DIR and --out PATH are required');
  const format = values.format ?? 'torchvision';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidArgumentError(
      `twist export: unknown format '${format}' (available: ${EXPORT_FORMATS.join(', ')})`,
    );
  }
  const partFlag = values.part ?? 'backbone';
  if (partFlag !== 'backbone' && partFlag !== 'full') {
    throw new InvalidArgumentError(`twist export: --part must be backbone or full, got '${partFlag}'`);
  }
  if (format === 'detectron2' && partFlag === 'full')
    throw new InvalidArgumentError('twist export: detectron2 takes the backbone only (--part backbone)');
  const part: ExportPart = partFlag;
  await selectBackend({ name: values.backend ? parseBackendName(values.backend, '--backend') : 'cpu' });
  const { model, config, checkpoint, fellBack } = await loadModelFromCheckpoint(values.checkpoint);
  for (const f of fellBack ?? []) process.stderr.write(`passing over ${f.from}: ${f.reason}\n`);
  try {
    if (format === 'tfjs') {
      await exportTfjs(model.store, part, config, values.out);
    } else {
      const bytes =
        format === 'detectron2'
          ? exportDetectron2(model.store)
          : exportTorchvision(model.store, part, {
              arch: `resnet${config.depth}`,
              width: String(config.width),
              stem: config.stem,
            });
      await writeFileAtomic(values.out, bytes);
    }
    process.stderr.write(`wrote ${values.out} (${format}, ${part}) from ${checkpoint.dir}\n`);
  } finally {
    model.dispose();
  }
  return 0;
}
