import * as grpc from '@grpc/grpc-js';
import type { ErrorCode } from './errors.js';
import {
  ActorDiedError,
  ActorUnavailableError,
  AlreadyExistsError,
  CancelledError,
  GetTimeoutError,
  InfeasibleError,
  InvalidArgumentError,
  NotFoundError,
  RemoteError,
  TwistError,
  UnauthenticatedError,
  UnavailableError,
} from './errors.js';

/** Metadata key that carries a {@link TwistError}'s code across the wire. */
export const ERROR_CODE_KEY = 'twist-error-code';

const STATUS_OF: Partial<Record<ErrorCode, grpc.status>> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  INFEASIBLE: grpc.status.FAILED_PRECONDITION,
  ACTOR_DIED: grpc.status.FAILED_PRECONDITION,
  ACTOR_UNAVAILABLE: grpc.status.UNAVAILABLE,
  GET_TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  CANCELLED: grpc.status.CANCELLED,
};

/**
 * Maps an error to the gRPC status a server answers with (the only place errors become statuses):
 * a {@link TwistError} keeps its code in metadata; anything else is INTERNAL with its message.
 */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (err instanceof TwistError) {
    metadata.set(ERROR_CODE_KEY, err.code);
    return { code: STATUS_OF[err.code] ?? grpc.status.INTERNAL, details: err.message, metadata };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.INTERNAL, details: `internal error: ${message}`, metadata };
}

/**
 * The typed error for a stable code (undefined for codes without a class of their own here).
 */
export function errorForCode(code: string, msg: string, opts?: { cause?: unknown }): TwistError | undefined {
  switch (code as ErrorCode) {
    case 'INVALID_ARGUMENT':
      return new InvalidArgumentError(msg, opts);
    case 'UNAUTHENTICATED':
      return new UnauthenticatedError(msg, opts);
    case 'NOT_FOUND':
      return new NotFoundError(msg, opts);
    case 'ALREADY_EXISTS':
      return new AlreadyExistsError(msg, opts);
    case 'INFEASIBLE':
      return new InfeasibleError(msg, opts);
    case 'ACTOR_DIED':
      return new ActorDiedError(msg, opts);
    case 'ACTOR_UNAVAILABLE':
      return new ActorUnavailableError(msg, opts);
    case 'GET_TIMEOUT':
      return new GetTimeoutError(msg, opts);
    case 'UNAVAILABLE':
      return new UnavailableError(msg, opts);
    case 'CANCELLED':
      return new CancelledError(msg, opts);
    default:
      return undefined;
  }
}

/**
 * Maps a failed call back to the project's typed error: the code in metadata when the server sent
 * one, else by status (UNAVAILABLE → {@link UnavailableError}, DEADLINE_EXCEEDED →
 * {@link GetTimeoutError}, ...). `what` prefixes the message (which call to whom).
 */
export function fromServiceError(err: unknown, what: string): TwistError {
  if (err instanceof TwistError) return err;
  const e = err as Partial<grpc.ServiceError>;
  const details = e.details ?? (err instanceof Error ? err.message : String(err));
  const code = e.metadata?.get(ERROR_CODE_KEY)[0]?.toString() as ErrorCode | undefined;
  const msg = `${what}: ${details}`;
  const opts = { cause: err };
  const typed = code ? errorForCode(code, msg, opts) : undefined;
  if (typed) return typed;
  switch (e.code) {
    case grpc.status.UNAUTHENTICATED:
      return new UnauthenticatedError(msg, opts);
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.RESOURCE_EXHAUSTED:
      return new InvalidArgumentError(msg, opts);
    case grpc.status.DEADLINE_EXCEEDED:
      return new GetTimeoutError(msg, opts);
    case grpc.status.CANCELLED:
      return new CancelledError(msg, opts);
    case grpc.status.NOT_FOUND:
      return new NotFoundError(msg, opts);
    case grpc.status.UNAVAILABLE:
      return new UnavailableError(msg, opts);
    default:
      return new RemoteError(msg, 'Error', '', opts);
  }
}
