// Original file: proto/collective.proto


export interface Accept {
  'accepted'?: (boolean);
  'reason'?: (string);
  'dataPort'?: (number);
  'ticket'?: (Buffer | Uint8Array | string);
}

export interface Accept__Output {
  'accepted': (boolean);
  'reason': (string);
  'dataPort': (number);
  'ticket': (Buffer);
}
