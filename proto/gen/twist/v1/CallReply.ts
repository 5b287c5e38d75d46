// Original file: proto/actor.proto

import type { CallOutcome as _twist_v1_CallOutcome, CallOutcome__Output as _twist_v1_CallOutcome__Output } from '../../twist/v1/CallOutcome.js';

export interface CallReply {
  'seq'?: (number);
  'data'?: (Buffer | Uint8Array | string);
  'last'?: (boolean);
  'outcome'?: (_twist_v1_CallOutcome | null);
}

export interface CallReply__Output {
  'seq': (number);
  'data': (Buffer);
  'last': (boolean);
  'outcome': (_twist_v1_CallOutcome__Output | null);
}
