// Original file: proto/cluster.proto


export interface JobHeartbeatRequest {
  'jobId'?: (string);
}

export interface JobHeartbeatRequest__Output {
  'jobId': (string);
}
