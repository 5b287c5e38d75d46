import fs from 'node:fs';
import { createRequire } from 'node:module';

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
