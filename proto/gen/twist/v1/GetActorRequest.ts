// Original file: proto/cluster.proto


export interface GetActorRequest {
  'actorId'?: (string);
  'waitReadyMs'?: (number);
  'afterIncarnation'?: (number);
}

export interface GetActorRequest__Output {
  'actorId': (string);
  'waitReadyMs': (number);
  'afterIncarnation': (number);
}
