// Original file: proto/jobs.proto


export interface SubmitJobReply {
  'jobId'?: (string);
  'logPath'?: (string);
}

export interface SubmitJobReply__Output {
  'jobId': (string);
  'logPath': (string);
}
