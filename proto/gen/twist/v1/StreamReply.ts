// Original file: proto/collective.proto


export interface StreamReply {
  'accepted'?: (boolean);
  'reason'?: (string);
}

export interface StreamReply__Output {
  'accepted': (boolean);
  'reason': (string);
}
