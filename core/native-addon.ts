import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A native addon loaded, or why it is not there. */
export type NativeAddon<T> =
  { addon: T; reason?: undefined } | { addon?: undefined; reason: string; cause?: unknown };

/**
 * Loads a Node-API addon that an install-time build script may have skipped. When `file` is
 * missing the reason is the one the build recorded in `statusFile` (`{built: false, reason}`),
 * else "never built"; when it fails to load, the loader's first line. Never throws.
 */
export function loadNativeAddon<T>(file: string, statusFile: string): NativeAddon<T> {
  if (!fs.existsSync(file)) {
    let why = 'the addon was never built (run `npm run build:native`)';
    try {
      const s = JSON.parse(fs.readFileSync(statusFile, 'utf8')) as { built: boolean; reason?: string };
      if (!s.built && s.reason) why = s.reason;
    } catch {
      // no status: the build script did not run
    }
    return { reason: `${why} (${file} missing)` };
  }
  try {
    return { addon: createRequire(import.meta.url)(file) as T };
  } catch (err) {
    return { reason: `${file} failed to load: ${(err as Error).message.split('\n')[0]}`, cause: err };
  }
}

/**
 * Where the addon `target` of `native/<dir>/` is built (`build/Release/<target>.node`) and where its
 * build script records its status.
 */
export function nativeAddonPaths(dir: string, target: string): { file: string; status: string } {
  const root = new URL('../../native/', import.meta.url);
  return {
    file: fileURLToPath(new URL(`${dir}/build/Release/${target}.node`, root)),
    status: fileURLToPath(new URL(`${dir}/build/status.json`, root)),
  };
}

/** A loader of the addon `target` of `native/<dir>/` that loads it once ({@link loadNativeAddon}). */
export function lazyNativeAddon<T>(dir: string, target: string): () => NativeAddon<T> {
  let loaded: NativeAddon<T> | undefined;
  return () => {
    if (!loaded) {
      const { file, status } = nativeAddonPaths(dir, target);
      loaded = loadNativeAddon<T>(file, status);
    }
    return loaded;
  };
}
