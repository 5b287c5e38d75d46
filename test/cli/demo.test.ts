import test from 'ava';
import { writeMnistDir } from '../helpers/mnist-files.js';
import { runCli } from '../helpers/run-cli.js';

test('twist demo asking for more GPUs than nvidia-smi shows fails naming the count', async (t) => {
  const data = writeMnistDir(64, 12, 4);
  const r = await runCli([
    'demo',
    '--data-path',
    data,
    '--trainers',
    '2',
    '--gpus-per-trainer',
    '512',
    '--dashboard-port',
    '0',
  ]);
  t.not(r.code, 0);
  t.regex(r.stderr, /--gpus-per-trainer 512 with 2 trainers needs 1024 GPUs; nvidia-smi shows \d+ here/);
  t.notRegex(r.stderr, /^\s+at /m, 'a clear error, not a stack trace');
});
