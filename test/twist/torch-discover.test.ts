import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module shared with the install-time build script
import { discoverLibtorch } from '../../../native/torch/discover.mjs';

interface Found {
  version: string;
  cuda: boolean;
  cxxStandard: string;
}
const discover = discoverLibtorch as (env: NodeJS.ProcessEnv) => Found | null;
const DISCOVER = fileURLToPath(new URL('../../../native/torch/discover.mjs', import.meta.url));

/** A libtorch-shaped folder: the headers' version file at `versionFile`, ATen.h, lib/libtorch.so. */
function fakeLibtorch(o: {
  versionFile: string;
  version: [number, number, number];
  aten?: string;
  cuda?: boolean;
}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-libtorch-'));
  const put = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const [major, minor, patch] = o.version;
  put(
    path.join('include', o.versionFile),
    `#define TORCH_VERSION_MAJOR ${major}\n#define TORCH_VERSION_MINOR ${minor}\n#define TORCH_VERSION_PATCH ${patch}\n`,
  );
  put('include/ATen/ATen.h', o.aten ?? '#pragma once\n');
  put('lib/libtorch.so', '');
  if (o.cuda) put('lib/libtorch_cuda.so', '');
  return dir;
}

const gypField = (dir: string, field: string): string =>
  execFileSync(process.execPath, [DISCOVER, field], {
    env: { ...process.env, TWIST_LIBTORCH_DIR: dir },
    encoding: 'utf8',
  }).trim();

test('a PyTorch package from 2.10 on: the version from torch/headeronly, CUDA libraries linked, compiled as C++20', (t) => {
  const dir = fakeLibtorch({ versionFile: 'torch/headeronly/version.h', version: [2, 11, 0], cuda: true });
  const found = discover({ TWIST_LIBTORCH_DIR: dir });
  t.like(found, { version: '2.11.0', cuda: true, cxxStandard: 'gnu++20' });
  t.is(gypField(dir, 'cxxstd'), '-std=gnu++20');
  t.regex(gypField(dir, 'libs'), /-ltorch_cuda -lc10_cuda$/);
  t.regex(gypField(dir, 'defines'), /TWIST_TORCH_VERSION=2\.11\.0 TWIST_TORCH_CUDA=1$/);
});

test("an older libtorch (the API's version.h, no CUDA) stays at Node's C++17", (t) => {
  const dir = fakeLibtorch({ versionFile: 'torch/csrc/api/include/torch/version.h', version: [1, 13, 1] });
  t.like(discover({ TWIST_LIBTORCH_DIR: dir }), { version: '1.13.1', cuda: false, cxxStandard: 'gnu++17' });
  t.is(gypField(dir, 'cxxstd'), '-std=gnu++17');
  t.notRegex(gypField(dir, 'libs'), /cuda/);
});

test('headers that refuse anything before C++20 get C++20 whatever their version says', (t) => {
  const dir = fakeLibtorch({
    versionFile: 'torch/headeronly/version.h',
    version: [2, 9, 1],
    aten: '#if __cplusplus < 202002L\n#error C++20 or later compatible compiler is required to use ATen.\n#endif\n',
  });
  t.is(discover({ TWIST_LIBTORCH_DIR: dir })?.cxxStandard, 'gnu++20');
});

test('TWIST_LIBTORCH_DIR naming a folder without a libtorch is an error naming it', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-libtorch-empty-'));
  t.throws(() => discover({ TWIST_LIBTORCH_DIR: dir }), {
    message: `TWIST_LIBTORCH_DIR=${dir}: no include/ATen/ATen.h and lib/libtorch.so there`,
  });
});
