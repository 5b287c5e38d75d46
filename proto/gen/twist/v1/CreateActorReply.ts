// Original file: proto/cluster.proto


export interface CreateActorReply {
  'actorId'?: (string);
}

export interface CreateActorReply__Output {
  'actorId': (string);
}
