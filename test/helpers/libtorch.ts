// @ts-expect-error: a plain ES module shared with the install-time build script
import { discoverLibtorch } from '../../../native/torch/discover.mjs';

/** Whether the install-time build found a libtorch on this machine (so the addon must exist). */
export function libtorchOnThisMachine(): boolean {
  try {
    return (discoverLibtorch as (env?: NodeJS.ProcessEnv) => unknown)() !== null;
  } catch {
    return false;
  }
}
