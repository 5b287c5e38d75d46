import type net from 'node:net';
import { CollectiveError, InvalidArgumentError, lazyNativeAddon } from '../core/index.js';
import { mod, type OpPlan } from './ring-plan.js';

/** How a native operation failed: on the socket from the left neighbour, to the right one, or neither. */
export interface NativeRingFailure extends Error {
  side: 'left' | 'right' | 'none';
  kind: 'closed' | 'error' | 'timeout' | 'mismatch' | 'aborted';
}

/** One ring link's frames moved in C++ (native/collective): see {@link NativeRing}. */
interface RingHandle {
  run(buf: Float32Array, opId: number, recv: Int32Array, send: Int32Array, divisor: number): Promise<void>;
  share(): number;
  abort(): void;
  close(): void;
}

interface NativeCollective {
  Ring: new (inFd: number, outFd: number, timeoutMs: number, spinUs: number) => RingHandle;
  runShared(
    link: number,
    buf: Float32Array,
    opId: number,
    recv: Int32Array,
    send: Int32Array,
    divisor: number,
  ): void;
  /** runShared's first half: the same arguments. */
  startShared: NativeCollective['runShared'];
  readyShared(link: number): boolean;
  finishShared(link: number): void;
}

const load = lazyNativeAddon<NativeCollective>('collective', 'twist_collective');

/**
 * Whether the native data plane can run here: the addon built and not turned off
 * (`TWIST_NATIVE_COLLECTIVE=0`), and why not.
 */
export function nativeRingStatus(): { available: boolean; reason?: string } {
  if (process.env['TWIST_NATIVE_COLLECTIVE'] === '0')
    return { available: false, reason: 'turned off by TWIST_NATIVE_COLLECTIVE=0' };
  const l = load();
  return l.addon ? { available: true } : { available: false, reason: l.reason };
}

/**
 * Checks a spin time (see {@link NativeRing.open}): a finite number in [0, timeoutMs].
 * @throws InvalidArgumentError naming `who` and the value otherwise.
 */
export function checkSpinMs(who: string, spinMs: number | undefined, timeoutMs: number): void {
  if (spinMs === undefined) return;
  if (!Number.isFinite(spinMs) || spinMs < 0 || spinMs > timeoutMs)
    throw new InvalidArgumentError(
      `${who}: spinMs must be a number of ms in [0, ${timeoutMs}] (the timeout), got ${spinMs}`,
    );
}

/** The OS descriptor under a plain TCP socket (undefined for TLS or a socket without one). */
function fdOf(socket: net.Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * The frames of a ring link sent and received by native threads (an executor per link running the
 * operations in call order, and a sender beside it for large ones), straight from and into the
 * caller's buffer, while the event loop stays free. The sockets stay Node's (their hello, ticket and
 * close are done there); the addon works on duplicates of their descriptors, and Node must not read
 * the receiving one. Same wire format as the TypeScript data plane.
 */
export class NativeRing {
  private constructor(private readonly handle: RingHandle) {}

  /**
   * Takes over the frames of `inSocket` (from the left neighbour; never read by Node) and
   * `outSocket` (to the right one). `spinMs`: how long an operation run on a caller's thread
   * ({@link runShared}, {@link finishShared}) polls its socket without sleeping before it blocks in
   * `poll` (default 0; the executor's own operations never spin).
   * @throws CollectiveError when the addon is unavailable or a socket has no descriptor (TLS).
   */
  static open(inSocket: net.Socket, outSocket: net.Socket, timeoutMs: number, spinMs = 0): NativeRing {
    const status = nativeRingStatus();
    if (!status.available) throw new CollectiveError(`native data plane unavailable: ${status.reason}`);
    const [i, o] = [fdOf(inSocket), fdOf(outSocket)];
    if (i === undefined || o === undefined)
      throw new CollectiveError(
        'native data plane: the data sockets have no descriptor (TLS sockets are not supported)',
      );
    const { Ring } = load().addon!;
    return new NativeRing(new Ring(i, o, timeoutMs, Math.round(spinMs * 1000)));
  }

  /**
   * Runs `plan` on `buf` (which must not change until it settles); `divisor` is the mean's.
   * @throws NativeRingFailure (rejects) when a socket fails, a frame is not the one expected, the
   * watchdog fires, or {@link abort} is called.
   */
  run(buf: Float32Array, opId: number, plan: OpPlan, divisor: number): Promise<void> {
    return this.handle.run(buf, opId >>> 0, plan.recv, plan.send, divisor);
  }

  /**
   * An id by which another thread of this process runs operations on this link with
   * {@link runShared} (valid until {@link close}).
   */
  share(): number {
    return this.handle.share();
  }

  /**
   * Runs `plan` on `buf` on the calling thread, blocking it, after the operations queued on the
   * shared link `link` (see {@link share}): no thread handoff, for the small sums a trainer needs
   * inside its synchronous gradient tape.
   * @throws NativeRingFailure like {@link run}; Error when the link is closed.
   */
  static runShared(link: number, buf: Float32Array, opId: number, plan: OpPlan, divisor: number): void {
    load().addon!.runShared(link, buf, opId >>> 0, plan.recv, plan.send, divisor);
  }

  /**
   * {@link runShared} in two halves, for an operation that sends at most 64 KiB: this one takes the
   * link (after its queued operations) and writes the frames that need no receive; the calling thread
   * may then work until {@link finishShared}, which must follow, even after a failure (it reports
   * it). `buf` must stay untouched until then.
   * @throws RangeError on a larger operation; Error when the link is closed or its started operation
   * is not finished.
   */
  static startShared(link: number, buf: Float32Array, opId: number, plan: OpPlan, divisor: number): void {
    load().addon!.startShared(link, buf, opId >>> 0, plan.recv, plan.send, divisor);
  }

  /** Whether the started operation's first frame from the left neighbour is here (or it failed): {@link finishShared} would not wait for it. */
  static readyShared(link: number): boolean {
    return load().addon!.readyShared(link);
  }

  /**
   * The second half of {@link startShared}: receives the rest, blocking, and gives the link back.
   * @throws NativeRingFailure like {@link run}.
   */
  static finishShared(link: number): void {
    load().addon!.finishShared(link);
  }

  /** Shuts both sockets down: a running operation fails at once (and the neighbours see the end). */
  abort(): void {
    this.handle.abort();
  }

  /** Releases the descriptors (a running operation is aborted first); idempotent. */
  close(): void {
    this.handle.close();
  }
}

/**
 * A native operation's failure as the group's error, naming the neighbour it came from (`peers`
 * by rank; `timeoutMs` the watchdog's).
 */
export function nativeRingError(
  rank: number,
  peers: readonly string[],
  timeoutMs: number,
  err: NativeRingFailure,
): CollectiveError {
  const n = peers.length;
  const who = err.side === 'right' ? mod(rank + 1, n) : mod(rank - 1, n);
  const where = `rank ${who} (${peers[who]})`;
  const what =
    err.kind === 'timeout' && err.side === 'left'
      ? `no data from ${where} for ${timeoutMs} ms`
      : err.kind === 'mismatch'
        ? `${where} ${err.message}`
        : err.side === 'none'
          ? err.message
          : `the data socket ${err.side === 'right' ? 'to' : 'from'} ${where}: ${err.message}`;
  return new CollectiveError(
    `rank ${rank}: ${what}`,
    err.side === 'none' ? undefined : { rank: who, address: peers[who]! },
    { cause: err },
  );
}
