// Original file: proto/node.proto


export interface StartActorRequest {
  'actorId'?: (string);
  'className'?: (string);
  'args'?: (Buffer | Uint8Array | string);
  'gpuIds'?: (number)[];
  'resources'?: ({[key: string]: number | string});
  'incarnation'?: (number);
}

export interface StartActorRequest__Output {
  'actorId': (string);
  'className': (string);
  'args': (Buffer);
  'gpuIds': (number)[];
  'resources': ({[key: string]: number});
  'incarnation': (number);
}
