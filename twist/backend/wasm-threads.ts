import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Writes the pthread worker script of tfjs-wasm's threaded-SIMD binary to a real file and returns its
 * path. Node's `worker_threads` cannot load the `blob:` URLs tfjs-wasm creates for the browser, so
 * the script is Emscripten's worker (as tfjs ships it) plus an epilogue that answers the worker's
 * `importScripts(blob:…)` of the module factory by `require`-ing the same factory from its file.
 * The file name carries a hash of its contents, so concurrent processes share one file safely.
 */
function writePthreadWorker(): string {
  const factoryPath =
    require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  // tfjs escapes newlines the same way before putting the script in a Blob: the shipped string has
  // raw newlines inside string literals.
  const script =
    wasmWorkerContents.replace(/\n/g, '\\n') +
    `\n;(function () {
  var load = global.importScripts;
  global.importScripts = function (f) {
    if (String(f).indexOf('blob:') === 0) {
      global.WasmBackendModuleThreadedSimd = require(${JSON.stringify(factoryPath)});
      return;
    }
    return load(f);
  };
})();\n`;
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'twist-cluster-wasm');
  const file = path.join(dir, `pthread-worker-${hash}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script);
    renameSync(tmp, file);
  }
  return file;
}

/**
 * Runs `init` (which must initialise tfjs's wasm backend) with the threaded-SIMD binary working under
 * Node for `threads` threads:
 * - `URL.createObjectURL` hands out the real worker file instead of a `blob:` URL, and
 * - `os.cpus()` reports at least 2·threads cores, since tfjs-wasm's C++ side caps its pool at half
 *   the logical cores (1 on a 2-core machine).
 * Both are restored when `init` settles. The caller sets `WASM_HAS_MULTITHREAD_SUPPORT` and the
 * thread count.
 */
export async function withNodeWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const workerFile = writePthreadWorker();
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : createObjectURL(obj);
  os.cpus = () => {
    const list = cpus();
    const first = list[0];
    while (first && list.length < 2 * threads) list.push(first);
    return list;
  };
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}
