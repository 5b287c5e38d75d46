import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { BenchArgs } from '../../bench/bench-args.js';
import { InvalidArgumentError } from '../../core/index.js';

const FLAGS = ['steps', 'seconds', 'sizes', 'mode', 'no-anchor'] as const;
const parse = (...argv: string[]): BenchArgs => BenchArgs.parse('demo-bench', FLAGS, argv);

test('benchmark flags: values, switches and defaults', (t) => {
  const a = parse('--steps', '12', '--seconds', '2.5', '--sizes', '1,0.5,64', '--no-anchor');
  t.is(a.int('steps', 5), 12);
  t.is(a.positive('seconds', 10), 2.5);
  t.deepEqual(a.positives('sizes', [4]), [1, 0.5, 64]);
  t.true(a.has('no-anchor'));
  t.false(a.has('mode'));
  t.is(a.choice('mode', ['fast', 'slow'], 'slow'), 'slow');
  const d = parse();
  t.is(d.int('steps', 5), 5);
  t.deepEqual(d.positives('sizes', [4, 16]), [4, 16]);
  t.is(d.str('mode'), undefined);
});

test('benchmark flags: a typo, a stray word or a bad value is an error naming the flag', (t) => {
  const typo = t.throws(() => parse('--step', '12'), { instanceOf: InvalidArgumentError });
  t.is(
    typo.message,
    'demo-bench: unknown flag --step (it takes --steps, --seconds, --sizes, --mode, --no-anchor)',
  );
  t.throws(() => parse('12'), { message: "demo-bench: unexpected argument '12'" });
  t.throws(() => parse('--steps', 'abc').int('steps', 5), { message: "--steps: 'abc' is not a number" });
  t.throws(() => parse('--steps', '0').int('steps', 5), {
    message: '--steps: expected a whole number ≥ 1, got 0',
  });
  t.is(parse('--steps', '0').int('steps', 5, 0), 0);
  t.throws(() => parse('--seconds', '-1').positive('seconds', 10), {
    message: '--seconds: expected a positive number, got -1',
  });
  t.throws(() => parse('--steps').int('steps', 5), { message: "--steps: 'true' is not a number" });
  t.throws(() => parse('--sizes', '1,-2').positives('sizes', [4]), {
    message: "--sizes: expected positive numbers, got -2 in '1,-2'",
  });
  t.throws(() => parse('--mode', 'medium').choice('mode', ['fast', 'slow'], 'slow'), {
    message: "--mode: 'medium' is not one of fast, slow",
  });
});

test('benchmark flags: reading a flag the benchmark does not declare is a programming error', (t) => {
  t.throws(() => parse().int('width', 16), {
    message: 'demo-bench reads --width but does not declare it among its flags',
  });
});

test('npm run bench refuses a mistyped flag before running anything', async (t) => {
  const main = fileURLToPath(new URL('../../bench/main.js', import.meta.url));
  const err = await t.throwsAsync(
    promisify(execFile)(process.execPath, [main, 'scaling', '--step', '5'], { timeout: 60_000 }),
  );
  const e = err as Error & { code: number; stdout: string; stderr: string };
  t.is(e.code, 2);
  t.is(e.stdout, '', 'nothing ran: no JSON line');
  t.regex(e.stderr, /^scaling: unknown flag --step \(it takes --width, --batch, --steps,/);
  t.notRegex(e.stderr, /^\s+at /m, 'a clear error, not a stack trace');
});
