import type { ParamStore } from '../twist/index.js';
import { encodePickle, type NumpyArray, type PickleValue } from './pickle.js';
import { torchStateDict } from './torch-state-dict.js';

/**
 * The seed's `convert-pretrain-to-detectron2.py` renaming of a torchvision ResNet key (spec 6.2):
 * `stem.` before keys outside the `layerN` stages, `layer1..4` → `res2..5`, `bnK` → `convK.norm`,
 * `downsample.0` → `shortcut`, `downsample.1` → `shortcut.norm`.
 */
export function detectron2Key(torchvisionKey: string): string {
  let k = torchvisionKey;
  if (!k.includes('layer')) k = `stem.${k}`;
  for (const t of [1, 2, 3, 4]) k = k.replace(`layer${t}`, `res${t + 1}`);
  for (const t of [1, 2, 3]) k = k.replace(`bn${t}`, `conv${t}.norm`);
  k = k.replace('downsample.0', 'shortcut');
  k = k.replace('downsample.1', 'shortcut.norm');
  return k;
}

/**
 * The backbone as the pickle detectron2's checkpointer loads:
 * `{'model': {detectron2 name: numpy array}, '__author__': 'TWIST', 'matching_heuristics': True}`,
 * arrays in PyTorch's layouts (`num_batches_tracked` kept as int64; detectron2 ignores it).
 */
export function exportDetectron2(store: ParamStore): Uint8Array {
  const model: Record<string, PickleValue> = {};
  for (const t of torchStateDict(store, 'backbone')) {
    const array: NumpyArray = {
      kind: 'ndarray',
      dtype: t.dtype === 'I64' ? 'i8' : 'f4',
      shape: t.shape,
      data: t.data,
    };
    model[detectron2Key(t.name)] = array;
  }
  return encodePickle({ model, __author__: 'TWIST', matching_heuristics: true });
}
