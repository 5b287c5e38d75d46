// Original file: proto/collective.proto


export interface Accept {
  'accepted'?: (boolean);
  'reason'?: (string);
}

export interface Accept__Output {
  'accepted': (boolean);
  'reason': (string);
}
