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

/** A compiled form of loops that also exist in TypeScript, which can be switched off (see {@link switchableNativeAddon}). */
export interface SwitchableNativeAddon<T> {
  /** The addon when built and switched on, else undefined (the TypeScript form runs). */
  get(): T | undefined;
  /** Whether the addon is built and loads, and why not (whether it is switched on aside). */
  status(): { available: boolean; reason?: string };
  /** Switches the compiled form on or off (benchmarks and tests compare both). @returns the previous setting. */
  use(on: boolean): boolean;
}

/**
 * The addon `target` of `native/<dir>/`, loaded once, on unless the environment variable `envOff`
 * is `0` at start-up or {@link SwitchableNativeAddon.use} turns it off.
 */
export function switchableNativeAddon<T>(
  dir: string,
  target: string,
  envOff: string,
): SwitchableNativeAddon<T> {
  const load = lazyNativeAddon<T>(dir, target);
  let enabled = process.env[envOff] !== '0';
  return {
    get: () => (enabled ? load().addon : undefined),
    status: () => {
      const l = load();
      return l.addon ? { available: true } : { available: false, reason: l.reason };
    },
    use: (on) => {
      const was = enabled;
      enabled = on;
      return was;
    },
  };
}
