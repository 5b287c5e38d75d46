/**
 * Saves checkpoints under ROOT forever (steps after LATEST's), each tensor filled with its step
 * number, 4 shards each: the victim of the SIGKILL test. Usage: node save-loop.js ROOT MEGABYTES
 */
import { listStepDirs, saveCheckpoint } from '../../checkpoint/index.js';
import { stateTensor } from '../../core/index.js';

const [root, mb] = [process.argv[2]!, Number(process.argv[3] ?? '2')];
let step = ((await listStepDirs(root))[0]?.step ?? 0) + 1;
const n = Math.floor((mb * (1 << 20)) / 4 / 3);
process.stdout.write('ready\n');
for (;;) {
  const state = [
    stateTensor('a', new Float32Array(n).fill(step)),
    stateTensor('b', new Float32Array(n + 1).fill(step)),
    stateTensor('c', new Float32Array(n + 3).fill(step)),
  ];
  await saveCheckpoint(root, state, { step, epoch: 0, config: {}, writers: 4, keep: 2 });
  step++;
}
