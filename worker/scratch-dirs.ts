import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/index.js';

/** The prefix of every scratch directory (`twist-w<worker pid>-<actor id>-<incarnation>`). */
export const SCRATCH_PREFIX = 'twist-w';

/**
 * Per-actor scratch directories on a tmpfs (`/dev/shm` by default): an actor process gets its own,
 * made before it starts and removed once it has exited, however it ended (the worker agent, not the
 * actor, removes it, so a SIGKILLed actor leaves nothing behind). A worker that was itself killed
 * leaves its actors' directories; the next agent to start on the host removes those whose worker
 * process is gone. Actors exchange large results through them with actors on the same host (a
 * loader's batches to its trainer).
 */
export class ScratchDirs {
  private constructor(
    private readonly root: string,
    private readonly log: Logger,
  ) {}

  /**
   * @param root the tmpfs directory; '' turns scratch directories off.
   * @returns undefined where `root` is '' or not a writable directory (logged: the actors then
   * send everything over gRPC).
   */
  static open(root: string, log: Logger): ScratchDirs | undefined {
    if (root === '') return undefined;
    try {
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
      accessSync(root, constants.W_OK);
    } catch (err) {
      log.warn(
        { dir: root, err: (err as Error).message },
        'no scratch directories: actors send batches over gRPC',
      );
      return undefined;
    }
    const dirs = new ScratchDirs(root, log);
    dirs.sweepOrphans();
    return dirs;
  }

  /** Makes the directory of one actor incarnation (mode 0700). @returns its path, or undefined when it cannot be made. */
  create(actorId: string, incarnation: number): string | undefined {
    const dir = path.join(this.root, `${SCRATCH_PREFIX}${process.pid}-${actorId}-${incarnation}`);
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      this.log.warn({ dir, actor_id: actorId, err: (err as Error).message }, 'scratch directory not made');
      return undefined;
    }
  }

  /** Removes an actor's directory and what it holds (after its process exited). */
  remove(dir: string): void {
    try {
      // Retried: a loader may still be writing a handoff file into it as it goes (ENOTEMPTY).
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      this.log.warn({ dir, err: (err as Error).message }, 'scratch directory not removed');
    }
  }

  /** Removes the directories of worker processes that no longer run (they were killed). */
  private sweepOrphans(): void {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^twist-w(\d+)-/.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      this.remove(path.join(this.root, name));
    }
  }
}

/** Whether a process with this pid runs (one of another user counts as running). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
