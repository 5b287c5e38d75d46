import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import {
  AsyncCheckpointSaver,
  loadState,
  openCheckpoint,
  planLayout,
  saveCheckpoint,
  snapshotRange,
} from '../checkpoint/index.js';
import { Random, type StateTensor } from '../core/index.js';
import {
  captureTrainState,
  FlatParams,
  Lars,
  LocalTrainConfigSchema,
  modelFor,
  selectBackend,
} from '../twist/index.js';
import { median } from './stats.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

/** Sequential write rate of the disk under `dir`: `dd` of `mb` MiB with `conv=fsync`, in GB/s. */
function ddWriteRate(dir: string, mb: number): number {
  const file = path.join(dir, 'dd.bin');
  const t0 = performance.now();
  execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mb}`, 'conv=fsync'], {
    stdio: 'ignore',
  });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(file);
  return (mb * 2 ** 20) / seconds / 1e9;
}

/** Sequential read rate of a `mb` MiB file under `dir` with its page cache dropped, in GB/s. */
function ddReadRate(dir: string, mb: number): number {
  const file = path.join(dir, 'dd-read.bin');
  execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mb}`, 'conv=fsync'], {
    stdio: 'ignore',
  });
  execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
  const t0 = performance.now();
  execFileSync('dd', [`if=${file}`, 'of=/dev/null', 'bs=1M'], { stdio: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(file);
  return (mb * 2 ** 20) / seconds / 1e9;
}

/**
 * Plain sequential write + fsync of `bytes` (distinct data already in memory, 1 MiB writes, no
 * hashing, no commit): what any writer of this state pays on this machine, in GB/s.
 */
async function rawWriteRate(dir: string, bytes: Uint8Array): Promise<number> {
  const file = path.join(dir, 'raw.bin');
  const t0 = performance.now();
  const fh = await open(file, 'w');
  for (let o = 0; o < bytes.length; o += 1 << 20)
    await fh.write(bytes, o, Math.min(1 << 20, bytes.length - o), o);
  await fh.sync();
  await fh.close();
  const seconds = (performance.now() - t0) / 1000;
  rmSync(file);
  return bytes.length / seconds / 1e9;
}

/** Asks the kernel to drop the page cache of every file under `dir` (GNU dd's `iflag=nocache count=0`). */
function dropCache(dir: string): void {
  for (const f of readdirSync(dir))
    execFileSync('dd', [`if=${path.join(dir, f)}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
}

/** A busy training step stand-in of `ms` milliseconds on this thread. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error('unreachable');
}

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const repeats = args.int('repeats', 3);
  const stepMs = args.int('step-ms', 200, 0);
  const base = args.str('dir') ?? path.join(process.cwd(), '.tmp');
  const root = mkdtempSync(path.join(base, 'bench-ckpt-'));
  await selectBackend({ name: 'cpu' });
  const cfg = LocalTrainConfigSchema.parse({
    dataPath: '-',
    depth: 50,
    width: 64,
    stem: 'imagenet',
    hidDim: 4096,
    dim: 4096,
  });
  const model = modelFor(cfg, 3);
  const flat = new FlatParams(model.store, (n) => n.startsWith('backbone.'));
  const optimizer = new Lars();
  const rng = new Random(1);
  optimizer.loadState(
    { steps: 1, buffers: { momentum_buffer: Float32Array.from({ length: flat.size }, () => rng.normal()) } },
    flat.size,
  );
  const backboneOnly = {
    ...model.store,
    buffers: model.store.buffers.filter((b) => b.name.startsWith('backbone.')),
  };
  const state = captureTrainState(
    { store: backboneOnly as typeof model.store, flat, optimizer, rng, samplerSeed: 0 },
    { step: 1, epoch: 0, stepInEpoch: 1 },
    256,
  );
  const tensors: StateTensor[] = state.tensors;
  const bytes = tensors.reduce((n, t) => n + t.data.byteLength, 0);
  emit({ bench: 'checkpoint', what: 'state', parameters: flat.size, tensors: tensors.length, bytes });
  const disk = median(Array.from({ length: repeats }, () => ddWriteRate(root, Math.ceil(bytes / 2 ** 20))));
  const diskRead = median(
    Array.from({ length: repeats }, () => ddReadRate(root, Math.ceil(bytes / 2 ** 20))),
  );
  const layout = planLayout(tensors);
  const flatState = snapshotRange(layout, new Map(tensors.map((t) => [t.name, t])), 0, layout.totalBytes);
  const raws: number[] = [];
  for (let r = 0; r < repeats; r++) raws.push(await rawWriteRate(root, flatState));
  const raw = median(raws);
  emit({
    bench: 'checkpoint',
    what: 'raw-write',
    tool: 'node 1 MiB writes + fsync of the state bytes',
    write_GBps: raw,
  });
  emit({
    bench: 'checkpoint',
    what: 'disk',
    tool: 'dd bs=1M',
    write_GBps: disk,
    write_flags: 'conv=fsync',
    read_GBps: diskRead,
    read_flags: 'page cache dropped (iflag=nocache)',
  });
  let step = 0;
  // One unmeasured save first: the first writes of a run pay for fresh page-cache memory.
  await (
    await saveCheckpoint(root, tensors, { step: ++step, epoch: 0, config: cfg, keep: 1 })
  ).cleanup;
  // Stall: a loop of busy steps saving every 4th step, synchronously then asynchronously. Measured
  // before any load: on this VM, allocating fresh memory (a load) makes resident buffers slow to
  // touch again for a while, which a trainer that only saves never sees.
  const loop = async (mode: 'sync' | 'async'): Promise<{ stall: number[]; stepMs: number[] }> => {
    const saver = new AsyncCheckpointSaver(root, { writers: 2, keep: 1 });
    const stall: number[] = [];
    const steps: number[] = [];
    try {
      // The first save of each mode is a warm-up (fresh host buffers), not counted.
      for (let s = 1; s <= 4 * (repeats + 1) + 1; s++) {
        const t0 = performance.now();
        busy(stepMs);
        steps.push(performance.now() - t0);
        // Let the writer threads' completions run, as the trainer's loop does between steps.
        await new Promise((resolve) => setImmediate(resolve));
        if (s % 4 !== 0) continue;
        const t1 = performance.now();
        if (mode === 'sync')
          await saveCheckpoint(root, tensors, { step: ++step, epoch: 0, config: cfg, writers: 2, keep: 1 });
        else await saver.save(tensors, { step: ++step, epoch: 0, config: cfg });
        if (s > 4) stall.push((performance.now() - t1) / 1000);
      }
      await saver.flush();
    } finally {
      await saver.close();
    }
    return { stall, stepMs: steps };
  };
  const sync = await loop('sync');
  const asyn = await loop('async');
  emit({
    bench: 'checkpoint',
    what: 'stall',
    step_ms: stepMs,
    sync_stall_seconds: median(sync.stall),
    async_stall_seconds: median(asyn.stall),
    async_over_sync: median(asyn.stall) / median(sync.stall),
    sync_stalls: sync.stall,
    async_stalls: asyn.stall,
    step_ms_median_sync: median(sync.stepMs),
    step_ms_median_async: median(asyn.stepMs),
  });
  // One unmeasured save first: the first writes of a run pay for fresh page-cache memory.
  await (
    await saveCheckpoint(root, tensors, { step: ++step, epoch: 0, config: cfg, keep: 1 })
  ).cleanup;
  for (const writers of [1, 2, 4]) {
    const save: number[] = [];
    const load: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const rep = await saveCheckpoint(root, tensors, {
        step: ++step,
        epoch: 0,
        config: cfg,
        writers,
        keep: 1,
      });
      save.push(rep.seconds);
      await rep.cleanup;
      dropCache(rep.dir);
      const t1 = performance.now();
      const loaded = await loadState(await openCheckpoint(rep.dir));
      load.push((performance.now() - t1) / 1000);
      if (loaded.length !== tensors.length) throw new Error('load lost tensors');
    }
    const rate = (a: number[]): number => bytes / median(a) / 1e9;
    emit({
      bench: 'checkpoint',
      what: 'save-load',
      writers,
      save_seconds: median(save),
      save_GBps: rate(save),
      save_vs_disk: rate(save) / disk,
      save_vs_raw_write: rate(save) / raw,
      load_seconds: median(load),
      load_GBps: rate(load),
      load_vs_disk_read: rate(load) / diskRead,
    });
  }
  model.dispose();
  rmSync(root, { recursive: true, force: true });
}

/**
 * `npm run bench -- checkpoint [--repeats N] [--dir DIR] [--step-ms MS]`: a ResNet-50's training
 * state (its 23.5 M backbone parameters, BN buffers, LARS momentum, RNG and sampler) saved with 1, 2
 * and 4 concurrent writers (GB/s, medians, until LATEST moved) beside `dd conv=fsync`'s sequential
 * write rate of the same disk measured in the same run; loaded back with
 * every checksum verified (page cache dropped per file first) beside dd's read rate; and the
 * training stall of an asynchronous save against a synchronous one in a loop of `--step-ms` steps.
 */
export const checkpointBench: Bench = {
  flags: ['repeats', 'step-ms', 'dir'],
  run,
};
