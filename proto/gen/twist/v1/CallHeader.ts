// Original file: proto/actor.proto


export interface CallHeader {
  'actorId'?: (string);
  'method'?: (string);
  'incarnation'?: (number);
}

export interface CallHeader__Output {
  'actorId': (string);
  'method': (string);
  'incarnation': (number);
}
