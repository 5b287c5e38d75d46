import { parseArgs } from 'node:util';
import { exportTorchvision, type ExportPart } from '../checkpoint/index.js';
import { InvalidArgumentError, writeFileAtomic } from '../core/index.js';
import { loadTrainedModel, parseBackendName, selectBackend } from '../twist/index.js';

export const EXPORT_FORMATS = ['torchvision'] as const;

export const EXPORT_USAGE = `twist export --checkpoint DIR --format FORMAT --out PATH [--part backbone|full]

  --format torchvision   a .safetensors file in PyTorch layouts: \`backbone\` (default) with torchvision's
                         ResNet names (loads into torchvision.models.resnetNN() with strict=False, only fc.*
                         missing), \`full\` with the seed's names (backbone.*, projection_heads.*)
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
  const part: ExportPart = partFlag;
  await selectBackend({ name: values.backend ? parseBackendName(values.backend, '--backend') : 'cpu' });
  const { model, config } = await loadTrainedModel(values.checkpoint);
  try {
    const bytes = exportTorchvision(model.store, part, {
      arch: `resnet${config.depth}`,
      width: String(config.width),
      stem: config.stem,
    });
    await writeFileAtomic(values.out, bytes);
    process.stderr.write(`wrote ${values.out} (${(bytes.length / 1e6).toFixed(1)} MB, ${part})\n`);
  } finally {
    model.dispose();
  }
  return 0;
}
