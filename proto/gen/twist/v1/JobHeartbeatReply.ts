// Original file: proto/cluster.proto


export interface JobHeartbeatReply {
  'known'?: (boolean);
}

export interface JobHeartbeatReply__Output {
  'known': (boolean);
}
