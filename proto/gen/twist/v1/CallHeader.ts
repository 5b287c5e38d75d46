// Original file: proto/actor.proto


export interface CallHeader {
  'actorId'?: (string);
  'method'?: (string);
  'callerId'?: (string);
  'seq'?: (number);
  'incarnation'?: (number);
}

export interface CallHeader__Output {
  'actorId': (string);
  'method': (string);
  'callerId': (string);
  'seq': (number);
  'incarnation': (number);
}
