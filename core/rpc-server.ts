import * as grpc from '@grpc/grpc-js';
import { IoError, TwistError } from './errors.js';
import { checkToken, tokenDigest } from './rpc-auth.js';
import { toServiceError } from './rpc-errors.js';

/** What every served call goes through: the token check, then the handler, errors mapped. */
export interface Guard {
  /** The cluster token's digest. */
  tokenDigest: Buffer;
  /** Called for each call refused for its token (counted by the caller). */
  onUnauthenticated?: (method: string, peer: string) => void;
  /** Called for every call that failed with an unexpected (non-TwistError) error. */
  onInternalError?: (method: string, err: unknown) => void;
  /** Called when a unary call is answered: its status code name and how long it took. */
  onHandled?: (method: string, code: string, seconds: number) => void;
}

/** The guard of a server that knows the cluster token. */
export const guardFor = (token: string, rest: Omit<Guard, 'tokenDigest'> = {}): Guard => ({
  tokenDigest: tokenDigest(token),
  ...rest,
});

/**
 * Wraps a unary handler: token check (UNAUTHENTICATED), then `fn`; any throw or rejection becomes
 * the status {@link toServiceError} gives. A handler can never crash the server.
 */
export function unary<Req, Rep>(
  guard: Guard,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Rep>) => Promise<Rep> | Rep,
): grpc.handleUnaryCall<Req, Rep> {
  return (call, callback) => {
    const t0 = performance.now();
    const answer = (err: unknown, reply?: Rep): void => {
      if (err === undefined) callback(null, reply);
      else {
        const s = toServiceError(err);
        callback(s);
        guard.onHandled?.(
          method,
          grpc.status[s.code ?? grpc.status.UNKNOWN],
          (performance.now() - t0) / 1000,
        );
        return;
      }
      guard.onHandled?.(method, 'OK', (performance.now() - t0) / 1000);
    };
    try {
      checkToken(call.metadata, guard.tokenDigest);
    } catch (err) {
      guard.onUnauthenticated?.(method, call.getPeer());
      answer(err);
      return;
    }
    Promise.resolve()
      .then(() => fn(call.request, call))
      .then(
        (reply) => answer(undefined, reply),
        (err: unknown) => {
          if (!(err instanceof TwistError)) guard.onInternalError?.(method, err);
          answer(err);
        },
      );
  };
}

/**
 * Checks a call's token for a streaming handler. @returns false (and ends the call with
 * UNAUTHENTICATED) when it fails.
 */
export function authorizeStream(
  guard: Guard,
  method: string,
  call: grpc.ServerDuplexStream<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>,
): boolean {
  try {
    checkToken(call.metadata, guard.tokenDigest);
    return true;
  } catch (err) {
    guard.onUnauthenticated?.(method, call.getPeer());
    call.emit('error', toServiceError(err));
    return false;
  }
}

/**
 * Server options every cluster server uses: message cap and keepalive. `patient` is for servers
 * whose callers may be busy in long synchronous computations (trainers calling their loaders,
 * drivers of actors): a caller that cannot answer a ping for a few seconds is not dead.
 */
export function serverOptions(maxMessageBytes: number, patient = false): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.keepalive_time_ms': patient ? 300_000 : 10_000,
    'grpc.keepalive_timeout_ms': patient ? 120_000 : 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  };
}

/** Binds `server` on host:port (0: any). @returns the bound port. @throws IoError naming the address. */
export function bindServer(
  server: grpc.Server,
  host: string,
  port: number,
  creds: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, creds, (err, p) =>
      err
        ? reject(new IoError(`cannot listen on ${host}:${port}: ${err.message}`, { cause: err }))
        : resolve(p),
    ),
  );
}

/** Graceful then forced shutdown, bounded by `graceMs`. */
export async function shutdownServer(server: grpc.Server, graceMs = 2000): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
  server.forceShutdown();
}
