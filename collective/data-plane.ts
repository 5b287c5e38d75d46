import net from 'node:net';
import tls from 'node:tls';
import { CollectiveError, type TlsPem } from '../core/index.js';

/**
 * The collective's data plane: after the gRPC hello (authenticated by the cluster token, over TLS
 * when configured) the sender hands the receiver a one-time ticket and the port of a plain TCP
 * listener (TLS with the same certificates when the cluster uses them); the receiver connects and
 * presents the ticket, and the frames flow on that socket. gRPC (HTTP/2, protobuf, message
 * reassembly) costs 5× the bandwidth of a socket on loopback here; Gloo and NCCL bootstrap the
 * same way.
 *
 * Wire format of a frame: 16 bytes (op, step, chunk, payload bytes: uint32 little-endian), then
 * the payload (little-endian float32).
 */

/** Bytes of a ticket. */
export const TICKET_BYTES = 32;
const HEADER_BYTES = 16;

/** One frame received on the data socket. */
export interface DataFrame {
  op: number;
  step: number;
  chunk: number;
  data: Buffer;
}

/**
 * Reused buffers of one size (fresh large buffers cost page faults on every chunk). A smaller
 * request gets a view on the front of a pooled buffer, so frames shorter than a full chunk (the
 * last chunk of a segment, every chunk of a small all-reduce) reuse memory too; only requests larger
 * than `size` allocate.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 40,
  ) {}

  take(bytes: number): Buffer {
    if (bytes > this.size) return Buffer.allocUnsafeSlow(bytes);
    const b = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    return bytes === this.size ? b : b.subarray(0, bytes);
  }

  /** Returns a buffer (or a view from {@link take}) to the pool; others are left to the GC. */
  give(b: Buffer): void {
    if (b.byteOffset !== 0 || b.buffer.byteLength !== this.size || this.free.length >= this.keep) return;
    this.free.push(b.length === this.size ? b : Buffer.from(b.buffer, 0, this.size));
  }
}

/**
 * Parses frames out of a byte stream (arbitrary pieces); `onFrame` gets each whole frame with its
 * payload in a buffer of `pool` (give it back when done).
 * @throws CollectiveError (from the returned function) on a frame larger than `maxBytes`.
 */
export function frameReader(
  pool: BufferPool,
  maxBytes: number,
  onFrame: (f: DataFrame) => void,
): (piece: Buffer) => void {
  const head = Buffer.alloc(HEADER_BYTES);
  let headFill = 0;
  let body: Buffer | undefined;
  let bodyFill = 0;
  let meta = { op: 0, step: 0, chunk: 0 };
  return (piece) => {
    let at = 0;
    while (at < piece.length) {
      if (!body) {
        const n = Math.min(HEADER_BYTES - headFill, piece.length - at);
        piece.copy(head, headFill, at, at + n);
        headFill += n;
        at += n;
        if (headFill < HEADER_BYTES) return;
        headFill = 0;
        meta = { op: head.readUInt32LE(0), step: head.readUInt32LE(4), chunk: head.readUInt32LE(8) };
        const len = head.readUInt32LE(12);
        if (len > maxBytes)
          throw new CollectiveError(`data plane: a frame of ${len} bytes exceeds ${maxBytes}`);
        body = pool.take(len);
        bodyFill = 0;
        if (len === 0) {
          onFrame({ ...meta, data: body });
          body = undefined;
          continue;
        }
      }
      const n = Math.min(body.length - bodyFill, piece.length - at);
      piece.copy(body, bodyFill, at, at + n);
      bodyFill += n;
      at += n;
      if (bodyFill === body.length) {
        const data = body;
        body = undefined;
        onFrame({ ...meta, data });
      }
    }
  };
}

/** Bytes a data socket may hold unsent before a writer waits for it to drain. */
const MAX_UNSENT_BYTES = 32 << 20;

/**
 * Writes one frame (a copy: `values` may change once this returns). Resolves at once while the
 * socket holds less than 32 MiB unsent (the frames pipeline), else when it has drained.
 * @throws CollectiveError when the socket fails or `signal` aborts meanwhile.
 */
export async function writeFrame(
  socket: net.Socket,
  pool: BufferPool,
  op: number,
  step: number,
  chunk: number,
  values: Float32Array,
  signal: AbortSignal,
): Promise<void> {
  const bytes = values.byteLength;
  const buf = pool.take(HEADER_BYTES + bytes);
  buf.writeUInt32LE(op >>> 0, 0);
  buf.writeUInt32LE(step, 4);
  buf.writeUInt32LE(chunk, 8);
  buf.writeUInt32LE(bytes, 12);
  buf.set(new Uint8Array(values.buffer, values.byteOffset, bytes), HEADER_BYTES);
  socket.write(buf, () => pool.give(buf));
  if (socket.writableLength < MAX_UNSENT_BYTES) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      socket.off('drain', onDrain);
      reject(signal.reason as Error);
    };
    const onDrain = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    if (signal.aborted) return onAbort();
    socket.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Socket options for bulk transfer: no Nagle delay (small frames of blocking sums go out at once). */
function tune(s: net.Socket): void {
  s.setNoDelay(true);
}

/**
 * A data-plane listener: each connection must present a ticket within `helloMs`; `claim` maps it
 * to the waiting communicator (false: refused, the socket is closed).
 */
export function dataListener(
  pem: TlsPem | undefined,
  claim: (ticket: string, socket: net.Socket) => boolean,
  helloMs = 10_000,
): net.Server {
  const onSocket = (s: net.Socket): void => {
    tune(s);
    s.on('error', () => undefined);
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => s.destroy(), helloMs);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      if (got.length < TICKET_BYTES) return;
      clearTimeout(timer);
      s.off('data', onData);
      s.pause();
      if (got.length > TICKET_BYTES || !claim(got.subarray(0, TICKET_BYTES).toString('hex'), s)) s.destroy();
    };
    s.on('data', onData);
  };
  return pem
    ? tls.createServer(
        { key: pem.key, cert: pem.cert, ca: pem.ca, requestCert: true, rejectUnauthorized: true },
        onSocket,
      )
    : net.createServer(onSocket);
}

/** Bytes of the buffer a plain data socket reads into (Node's default 64 KiB reads cost 4× the rate). */
const READ_BUFFER_BYTES = 4 << 20;

/** A receiving data socket and how to read it. */
export interface DataInbound {
  socket: net.Socket;
  /** Never read by Node (its descriptor is handed to the native data plane). */
  raw: boolean;
  /**
   * Sends every received byte to `read` from now on (bytes that came before are handed over
   * first). A piece is only valid during the call: copy what you keep.
   */
  onBytes(read: (piece: Buffer) => void): void;
}

/**
 * Connects to a sender's data listener and presents `ticket`. A plain socket reads into one reused
 * 4 MiB buffer (`onread`); a TLS one by 'data' events; a `raw` one (plain only) is never read: it
 * is paused before it connects, so Node starts no read on it.
 * @throws CollectiveError when it cannot connect within `timeoutMs`.
 */
export function connectData(
  host: string,
  port: number,
  ticket: Buffer,
  pem: TlsPem | undefined,
  timeoutMs: number,
  raw = false,
): Promise<DataInbound> {
  const early: Buffer[] = [];
  let sink: ((piece: Buffer) => void) | undefined;
  const deliver = (piece: Buffer): void => {
    if (sink) sink(piece);
    else early.push(Buffer.from(piece));
  };
  const onBytes = (read: (piece: Buffer) => void): void => {
    for (const b of early.splice(0)) read(b);
    sink = read;
  };
  return new Promise((resolve, reject) => {
    const s = pem
      ? tls.connect({
          host,
          port,
          key: pem.key,
          cert: pem.cert,
          ca: pem.ca,
          // The peer was authenticated by the gRPC hello that handed out the ticket; its
          // certificate is still checked against the cluster's CA, whatever name it carries.
          checkServerIdentity: () => undefined,
          // No SNI for an IP address (RFC 6066); a name is sent as usual.
          servername: net.isIP(host) ? '' : host,
        })
      : raw
        ? net.connect({ host, port }).pause()
        : net.connect({
            host,
            port,
            onread: {
              buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
              callback: (n: number, buf: Uint8Array): boolean => {
                deliver(Buffer.from(buf.buffer, buf.byteOffset, n));
                return true;
              },
            },
          });
    if (pem) s.on('data', deliver);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new CollectiveError(`data plane: no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(
        new CollectiveError(`data plane: cannot connect to ${host}:${port}: ${err.message}`, undefined, {
          cause: err,
        }),
      );
    });
    s.once(pem ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      tune(s);
      s.write(ticket);
      resolve({ socket: s, raw: raw && !pem, onBytes });
    });
  });
}

/** The host part of `host:port` (brackets of an IPv6 literal removed). */
export function hostOf(address: string): string {
  const h = address.slice(0, address.lastIndexOf(':'));
  return h.startsWith('[') ? h.slice(1, -1) : h;
}
