// Original file: proto/actor.proto

import type { RemoteError as _twist_v1_RemoteError, RemoteError__Output as _twist_v1_RemoteError__Output } from '../../twist/v1/RemoteError.js';

export interface CallOutcome {
  'ok'?: (boolean);
  'error'?: (_twist_v1_RemoteError | null);
}

export interface CallOutcome__Output {
  'ok': (boolean);
  'error': (_twist_v1_RemoteError__Output | null);
}
