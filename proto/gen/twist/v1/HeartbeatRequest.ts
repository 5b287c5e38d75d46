// Original file: proto/cluster.proto


export interface HeartbeatRequest {
  'nodeId'?: (string);
}

export interface HeartbeatRequest__Output {
  'nodeId': (string);
}
