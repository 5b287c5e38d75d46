import type { ParamStore } from '../twist/index.js';
import { encodeSafetensors, type SafetensorsEntry } from './safetensors.js';
import { toTorchLayout, torchShape } from './torch-layout.js';

/** `backbone`: torchvision ResNet names (no `backbone.` prefix, no head), as the seed's "backbone only". `full`: every tensor under its seed name. */
export type ExportPart = 'backbone' | 'full';

/**
 * The model's tensors in PyTorch's layouts as safetensors bytes: `backbone` loads into
 * `torchvision.models.resnetNN()` with `strict=False` reporting only `fc.*` missing; `full` keeps the
 * seed's `TWIST` names (`backbone.*`, `projection_heads.*`). `num_batches_tracked` is int64 as in PyTorch.
 */
export function exportTorchvision(
  store: ParamStore,
  part: ExportPart,
  metadata: Record<string, string> = {},
): Uint8Array {
  const keep = (name: string): string | undefined =>
    part === 'full' ? name : name.startsWith('backbone.') ? name.slice('backbone.'.length) : undefined;
  const entries: SafetensorsEntry[] = [];
  // state_dict order: each module's parameters then its buffers, as PyTorch lists them.
  const byModule = new Map<string, SafetensorsEntry[]>();
  const add = (name: string, e: SafetensorsEntry): void => {
    const mod = name.slice(0, name.lastIndexOf('.'));
    const list = byModule.get(mod) ?? [];
    list.push(e);
    byModule.set(mod, list);
  };
  for (const p of store.params) {
    const name = keep(p.name);
    if (!name) continue;
    add(name, {
      name,
      dtype: 'F32',
      shape: torchShape(p.variable.shape, p.layout),
      data: toTorchLayout(p.variable.dataSync() as Float32Array, p.variable.shape, p.layout),
    });
  }
  for (const b of store.buffers) {
    const name = keep(b.name);
    if (!name) continue;
    const values = b.variable.dataSync();
    const data =
      b.variable.dtype === 'int32' ? BigInt64Array.from(values, (v) => BigInt(v)) : Float32Array.from(values);
    add(name, {
      name,
      dtype: b.variable.dtype === 'int32' ? 'I64' : 'F32',
      shape: [...b.variable.shape],
      data,
    });
  }
  for (const list of byModule.values()) entries.push(...list);
  return encodeSafetensors(entries, { format: 'pt', producer: 'twist-cluster', part, ...metadata });
}
