import type { ParamStore } from '../twist/index.js';
import { encodeSafetensors } from './safetensors.js';
import { torchStateDict, type ExportPart } from './torch-state-dict.js';

/**
 * The model's tensors in PyTorch's layouts as safetensors bytes: `backbone` loads into
 * `torchvision.models.resnetNN()` with `strict=False` reporting only `fc.*` missing; `full` keeps the
 * seed's `TWIST` names (`backbone.*`, `projection_heads.*`).
 */
export function exportTorchvision(
  store: ParamStore,
  part: ExportPart,
  metadata: Record<string, string> = {},
): Uint8Array {
  return encodeSafetensors(torchStateDict(store, part), {
    format: 'pt',
    producer: 'twist-cluster',
    part,
    ...metadata,
  });
}
