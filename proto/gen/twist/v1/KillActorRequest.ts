// Original file: proto/cluster.proto


export interface KillActorRequest {
  'actorId'?: (string);
  'allowRestart'?: (boolean);
}

export interface KillActorRequest__Output {
  'actorId': (string);
  'allowRestart': (boolean);
}
