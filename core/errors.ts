/**
 * Typed errors with stable codes. Every error the project throws on purpose is a {@link TwistError}
 * whose `code` is part of the public contract (logs, RPC status mapping, tests); the message is for
 * people and may change.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  KERNEL_UNSUPPORTED: 'KERNEL_UNSUPPORTED',
  DATA_FILE_MISSING: 'DATA_FILE_MISSING',
  DATA_FILE_CORRUPT: 'DATA_FILE_CORRUPT',
  IO_FAILED: 'IO_FAILED',
  INTERRUPTED: 'INTERRUPTED',
  COLLECTIVE_FAILED: 'COLLECTIVE_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  INFEASIBLE: 'INFEASIBLE',
  ACTOR_DIED: 'ACTOR_DIED',
  ACTOR_UNAVAILABLE: 'ACTOR_UNAVAILABLE',
  GET_TIMEOUT: 'GET_TIMEOUT',
  UNAVAILABLE: 'UNAVAILABLE',
  CANCELLED: 'CANCELLED',
  REMOTE_FAILED: 'REMOTE_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of the project's errors: a stable `code`, the original `cause` kept. */
export class TwistError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed a value that can never work (bad flag, bad shape, out-of-range option). */
export class InvalidArgumentError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_ARGUMENT, message, options);
  }
}

/** A compute backend that was asked for (or forced) cannot be loaded on this machine. */
export class BackendUnavailableError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BACKEND_UNAVAILABLE, message, options);
  }
}

/** A kernel was called with attributes the project's implementation does not support. */
export class KernelUnsupportedError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.KERNEL_UNSUPPORTED, message, options);
  }
}

/** A dataset file does not exist or cannot be read. */
export class DataFileMissingError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DATA_FILE_MISSING, message, options);
  }
}

/** A dataset file exists but its contents are not what its format promises. */
export class DataFileCorruptError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DATA_FILE_CORRUPT, message, options);
  }
}

/** Writing or reading project files (run directories, weights) failed. */
export class IoError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.IO_FAILED, message, options);
  }
}

/**
 * A collective operation (all-reduce, broadcast, barrier, all-gather) or the creation of its group
 * failed: a peer died, closed its connection, stopped sending, or disagreed on the group's layout.
 * `peer` names the rank at fault when it is known. The group is unusable afterwards: rebuild it with
 * a new generation.
 */
export class CollectiveError extends TwistError {
  constructor(
    message: string,
    readonly peer?: { rank: number; address: string },
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.COLLECTIVE_FAILED, message, options);
  }
}

/** A request carried no cluster token or the wrong one. */
export class UnauthenticatedError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNAUTHENTICATED, message, options);
  }
}

/** An actor, node, job or placement group the request names does not exist. */
export class NotFoundError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.NOT_FOUND, message, options);
  }
}

/** A name that must be unique (a live actor's) is taken. */
export class AlreadyExistsError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ALREADY_EXISTS, message, options);
  }
}

/**
 * A resource request no node of the cluster can ever satisfy (more than any node has, a label no
 * node carries). Requests that only cannot fit now wait instead.
 */
export class InfeasibleError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INFEASIBLE, message, options);
  }
}

/** The actor is dead for good (its process or node died with no restarts left, or it was killed). */
export class ActorDiedError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ACTOR_DIED, message, options);
  }
}

/**
 * The actor cannot take the call now (it is restarting, or its process died during the call and a
 * restart is coming); a later call may succeed.
 */
export class ActorUnavailableError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ACTOR_UNAVAILABLE, message, options);
  }
}

/** A call or a wait did not finish within its deadline. */
export class GetTimeoutError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.GET_TIMEOUT, message, options);
  }
}

/** A server (head, worker) cannot be reached or is shutting down. */
export class UnavailableError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNAVAILABLE, message, options);
  }
}

/** The caller aborted the operation (its AbortSignal fired). */
export class CancelledError extends TwistError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.CANCELLED, message, options);
  }
}

/**
 * An actor method threw an error that is not one of the project's: `remoteName`, the remote
 * message and `remoteStack` are kept.
 */
export class RemoteError extends TwistError {
  constructor(
    message: string,
    readonly remoteName: string,
    readonly remoteStack: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.REMOTE_FAILED, message, options);
  }
}
