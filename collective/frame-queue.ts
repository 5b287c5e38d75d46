import type { CollectiveError } from '../core/index.js';
import type { Frame__Output } from '../proto/index.js';

/**
 * The frames of the inbound stream from the left neighbour, in arrival order, with a progress
 * watchdog: {@link next} fails when nothing arrives for `timeoutMs`, or at once when the queue is
 * failed (connection closed, group failed).
 */
export class FrameQueue {
  private readonly frames: Frame__Output[] = [];
  private waiter: { resolve: (f: Frame__Output) => void; reject: (e: Error) => void } | undefined;
  private failure: CollectiveError | undefined;
  private readonly aborter = new AbortController();

  constructor(
    private readonly timeoutMs: number,
    private readonly describeSilence: (ms: number) => CollectiveError,
  ) {}

  push(f: Frame__Output): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(f);
    } else this.frames.push(f);
  }

  /** Fails every current and future {@link next} with `err` (the first failure wins). */
  fail(err: CollectiveError): void {
    this.failure ??= err;
    if (!this.aborter.signal.aborted) this.aborter.abort(this.failure);
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
  }

  /** Aborted (with the error) when the queue fails: for waits elsewhere that must end with it. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  get failed(): CollectiveError | undefined {
    return this.failure;
  }

  /** The next frame. @throws CollectiveError on failure or silence. */
  next(): Promise<Frame__Output> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(this.describeSilence(this.timeoutMs)), this.timeoutMs);
      this.waiter = {
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}
