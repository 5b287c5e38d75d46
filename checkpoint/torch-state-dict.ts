import type { ParamStore } from '../twist/index.js';
import type { SafetensorsEntry } from './safetensors.js';
import { toTorchLayout, torchShape } from './torch-layout.js';

/** `backbone`: torchvision ResNet names (no `backbone.` prefix, no head), as the seed's "backbone only". `full`: every tensor under its seed name. */
export type ExportPart = 'backbone' | 'full';

/** A tensor in PyTorch's layout and dtype (`num_batches_tracked` is int64 as in PyTorch). */
export type TorchTensor = SafetensorsEntry;

/**
 * The model's tensors as PyTorch's `state_dict` holds them: its names (the seed's, or torchvision's
 * for `backbone`), its layouts (OIHW filters, [out, in] linear weights) and its order (each
 * module's parameters, then its buffers).
 */
export function torchStateDict(store: ParamStore, part: ExportPart): TorchTensor[] {
  const keep = (name: string): string | undefined =>
    part === 'full' ? name : name.startsWith('backbone.') ? name.slice('backbone.'.length) : undefined;
  const byModule = new Map<string, TorchTensor[]>();
  const add = (e: TorchTensor): void => {
    const mod = e.name.slice(0, e.name.lastIndexOf('.'));
    const list = byModule.get(mod) ?? [];
    list.push(e);
    byModule.set(mod, list);
  };
  for (const p of store.params) {
    const name = keep(p.name);
    if (!name) continue;
    add({
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
    add({
      name,
      dtype: b.variable.dtype === 'int32' ? 'I64' : 'F32',
      shape: [...b.variable.shape],
      data:
        b.variable.dtype === 'int32'
          ? BigInt64Array.from(values, (v) => BigInt(v))
          : Float32Array.from(values),
    });
  }
  return [...byModule.values()].flat();
}
