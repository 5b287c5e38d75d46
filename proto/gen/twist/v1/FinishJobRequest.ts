// Original file: proto/cluster.proto


export interface FinishJobRequest {
  'jobId'?: (string);
}

export interface FinishJobRequest__Output {
  'jobId': (string);
}
