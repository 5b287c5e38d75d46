// Original file: proto/node.proto


export interface ShutdownNodeRequest {
  'reason'?: (string);
}

export interface ShutdownNodeRequest__Output {
  'reason': (string);
}
