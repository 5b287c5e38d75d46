// Original file: proto/cluster.proto


export interface FinishJobRequest {
  'jobId'?: (string);
  'failed'?: (boolean);
  'message'?: (string);
}

export interface FinishJobRequest__Output {
  'jobId': (string);
  'failed': (boolean);
  'message': (string);
}
