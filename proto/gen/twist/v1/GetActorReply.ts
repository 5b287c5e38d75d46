// Original file: proto/cluster.proto

import type { ActorInfo as _twist_v1_ActorInfo, ActorInfo__Output as _twist_v1_ActorInfo__Output } from '../../twist/v1/ActorInfo.js';

export interface GetActorReply {
  'actor'?: (_twist_v1_ActorInfo | null);
}

export interface GetActorReply__Output {
  'actor': (_twist_v1_ActorInfo__Output | null);
}
