// Original file: proto/node.proto


export interface StartActorReply {
  'pid'?: (number);
  'address'?: (string);
  'processStartMs'?: (number | string);
  'constructorMs'?: (number | string);
  'metricsAddress'?: (string);
}

export interface StartActorReply__Output {
  'pid': (number);
  'address': (string);
  'processStartMs': (number);
  'constructorMs': (number);
  'metricsAddress': (string);
}
