// Original file: proto/jobs.proto


export interface StopJobRequest {
  'jobId'?: (string);
}

export interface StopJobRequest__Output {
  'jobId': (string);
}
