// Original file: proto/node.proto


export interface StartActorReply {
  'pid'?: (number);
  'address'?: (string);
}

export interface StartActorReply__Output {
  'pid': (number);
  'address': (string);
}
