// Original file: proto/cluster.proto


export interface RegisterJobReply {
  'jobId'?: (string);
  'heartbeatTimeoutMs'?: (number);
}

export interface RegisterJobReply__Output {
  'jobId': (string);
  'heartbeatTimeoutMs': (number);
}
