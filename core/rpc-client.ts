import * as grpc from '@grpc/grpc-js';
import { CancelledError } from './errors.js';
import { tokenInterceptor } from './rpc-auth.js';
import { channelCredentials, type TlsFiles } from './rpc-credentials.js';
import { fromServiceError } from './rpc-errors.js';

/** How a client reaches a cluster server. */
export interface ClientOptions {
  token: string;
  tls?: TlsFiles | undefined;
  maxMessageBytes?: number;
}

/** Per-call options: a deadline always (default given by the caller), an optional AbortSignal. */
export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** Channel options and credentials for a client of a cluster service. */
export function clientArgs(opts: ClientOptions): [grpc.ChannelCredentials, grpc.ClientOptions] {
  const max = opts.maxMessageBytes ?? 16 << 20;
  return [
    channelCredentials(opts.tls),
    {
      interceptors: [tokenInterceptor(opts.token)],
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      // HTTP/2 flow control: a reply as large as the largest message flows in whole while this
      // process computes (a trainer's synchronous step); with the default 64 KiB window the rest
      // of a loader's batch would wait until the step ends for the window updates.
      'grpc-node.flow_control_window': max,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2_000,
    },
  ];
}

type FullUnaryFn<Req, Rep> = (
  a: Req,
  m: grpc.Metadata,
  o: grpc.CallOptions,
  cb: grpc.requestCallback<Rep>,
) => grpc.ClientUnaryCall;

/** The request type of a generated unary method (matched on its last overload: argument, callback). */
export type RequestOf<M> = M extends (a: infer Q, cb: never) => grpc.ClientUnaryCall ? Q : never;
/** The reply type of a generated unary method. */
export type ReplyOf<M> = M extends (a: never, cb: grpc.requestCallback<infer P>) => grpc.ClientUnaryCall
  ? P
  : never;

/**
 * Calls the unary method `method` of a generated client with a deadline and an AbortSignal.
 * @throws the typed error {@link fromServiceError} maps the status to (`what` names the call);
 * CancelledError when `signal` aborts.
 */
export function callUnary<C extends grpc.Client, K extends Extract<keyof C, string>>(
  client: C,
  method: K,
  req: RequestOf<C[K]>,
  what: string,
  opts: CallOptions & { timeoutMs: number },
): Promise<ReplyOf<C[K]>> {
  type Rep = ReplyOf<C[K]>;
  return new Promise<Rep>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new CancelledError(`${what}: aborted`, { cause: opts.signal.reason }));
      return;
    }
    const fn = client[method] as unknown as FullUnaryFn<RequestOf<C[K]>, Rep>;
    const call = fn.call(
      client,
      req,
      new grpc.Metadata(),
      { deadline: Date.now() + opts.timeoutMs },
      (err: grpc.ServiceError | null, rep?: Rep) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(fromServiceError(err, what));
        else resolve(rep as Rep);
      },
    );
    const onAbort = (): void => call.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
