// Original file: proto/actor.proto

import type { CallOutcome as _twist_v1_CallOutcome, CallOutcome__Output as _twist_v1_CallOutcome__Output } from '../../twist/v1/CallOutcome.js';

export interface CallReply {
  'chunk'?: (Buffer | Uint8Array | string);
  'outcome'?: (_twist_v1_CallOutcome | null);
  'kind'?: "chunk"|"outcome";
}

export interface CallReply__Output {
  'chunk'?: (Buffer);
  'outcome'?: (_twist_v1_CallOutcome__Output | null);
  'kind'?: "chunk"|"outcome";
}
