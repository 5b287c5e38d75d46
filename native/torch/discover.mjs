#!/usr/bin/env node
// Finds a libtorch to build the torch backend against, in this order: TWIST_LIBTORCH_DIR (a libtorch
// or a PyTorch package directory: <dir>/include and <dir>/lib), Debian's libtorch-dev
// (/usr/include/ATen, /usr/lib/<multiarch>/libtorch.so), the `torch` package of python3.
// `node discover.mjs` prints the result as JSON (null when none is found); `node discover.mjs FIELD`
// prints one field for binding.gyp (include, libs, ldflags, cxxstd, defines).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function exists(p) {
  return fs.existsSync(p);
}

function versionOf(includeDirs) {
  for (const dir of includeDirs) {
    // PyTorch >= 2.9 keeps the numbers in torch/headeronly/version.h (the API's version.h includes it)
    const file = ['torch/headeronly/version.h', 'torch/csrc/api/include/torch/version.h']
      .map((f) => path.join(dir, f))
      .find(exists);
    if (!file) continue;
    const text = fs.readFileSync(file, 'utf8');
    const part = (k) => text.match(new RegExp(`#define TORCH_VERSION_${k} (\\d+)`))?.[1] ?? '?';
    return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  }
  return 'unknown';
}

/** Whether libc10 was built with the C++11 string ABI (Debian: yes; older PyTorch wheels: no). */
function cxx11Abi(libDir) {
  const lib = ['libc10.so', 'libc10.so.1'].map((f) => path.join(libDir, f)).find(exists);
  if (!lib) return 1;
  try {
    const syms = execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return /B5cxx11/.test(syms) ? 1 : 0;
  } catch {
    return 1;
  }
}

function fromDir(dir, source) {
  const include = path.join(dir, 'include');
  const libDir = path.join(dir, 'lib');
  if (!exists(path.join(include, 'ATen/ATen.h')) || !exists(path.join(libDir, 'libtorch.so'))) return null;
  return finish({ source, dir, includeDirs: [include], libDir });
}

/**
 * The C++ standard the headers need beyond Node's gnu++17: C++20 from PyTorch 2.10 (its headers
 * use C++20 syntax, and later ones refuse anything older).
 */
function cxxStandard(includeDirs, version) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 2 || (major === 2 && minor >= 10)) return 'gnu++20';
  const aten = includeDirs.map((d) => path.join(d, 'ATen/ATen.h')).find(exists);
  return aten && /C\+\+20 or later/.test(fs.readFileSync(aten, 'utf8')) ? 'gnu++20' : 'gnu++17';
}

function finish(found) {
  const cuda = exists(path.join(found.libDir, 'libtorch_cuda.so'));
  const version = versionOf(found.includeDirs);
  return {
    ...found,
    version,
    cuda,
    cxx11Abi: cxx11Abi(found.libDir),
    cxxStandard: cxxStandard(found.includeDirs, version),
  };
}

function debian() {
  if (!exists('/usr/include/ATen/ATen.h')) return null;
  for (const libDir of [
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
  ]) {
    if (exists(path.join(libDir, 'libtorch.so')))
      return finish({ source: 'debian libtorch-dev', dir: '/usr', includeDirs: ['/usr/include'], libDir });
  }
  return null;
}

function python() {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      const dir = execFileSync(py, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__))'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      }).trim();
      const found = dir && fromDir(dir, `python torch (${py})`);
      if (found) return found;
    } catch {
      // no python, or no torch package for it
    }
  }
  return null;
}

/** The libtorch to build against, or null. @throws Error when TWIST_LIBTORCH_DIR is set but unusable. */
export function discoverLibtorch(env = process.env) {
  const forced = env.TWIST_LIBTORCH_DIR;
  if (forced) {
    const found = fromDir(path.resolve(forced), 'TWIST_LIBTORCH_DIR');
    if (!found)
      throw new Error(`TWIST_LIBTORCH_DIR=${forced}: no include/ATen/ATen.h and lib/libtorch.so there`);
    return found;
  }
  return debian() ?? python();
}

function gypField(found, field) {
  const libs = ['-ltorch', '-ltorch_cpu', '-lc10'];
  if (found.cuda) libs.push('-ltorch_cuda', '-lc10_cuda');
  switch (field) {
    case 'include': {
      const api = found.includeDirs.map((d) => path.join(d, 'torch/csrc/api/include')).filter(exists);
      return [...found.includeDirs, ...api];
    }
    case 'libs':
      return [`-L${found.libDir}`, ...libs];
    case 'ldflags':
      // --no-as-needed keeps libtorch_cuda linked, so its CUDA kernels register at load.
      return [`-Wl,-rpath,${found.libDir}`, '-Wl,--no-as-needed'];
    case 'cxxstd':
      // after Node's -std=gnu++17 in the compile line, so this one wins
      return [`-std=${found.cxxStandard}`];
    case 'defines':
      return [
        `_GLIBCXX_USE_CXX11_ABI=${found.cxx11Abi}`,
        `TWIST_TORCH_VERSION=${found.version}`,
        `TWIST_TORCH_CUDA=${found.cuda ? 1 : 0}`,
      ];
  }
  throw new Error(`unknown field ${field}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const found = discoverLibtorch();
  const field = process.argv[2];
  if (!field) console.log(JSON.stringify(found));
  else if (!found) process.exit(1);
  else console.log(gypField(found, field).join(' '));
}
