// Original file: proto/cluster.proto


export interface HeartbeatReply {
  'known'?: (boolean);
  'headInstance'?: (string);
}

export interface HeartbeatReply__Output {
  'known': (boolean);
  'headInstance': (string);
}
