// Original file: proto/node.proto


export interface StopActorRequest {
  'actorId'?: (string);
  'reason'?: (string);
  'incarnation'?: (number);
}

export interface StopActorRequest__Output {
  'actorId': (string);
  'reason': (string);
  'incarnation': (number);
}
