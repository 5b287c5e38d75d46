// Original file: proto/jobs.proto


export interface StopJobReply {
  'state'?: (string);
}

export interface StopJobReply__Output {
  'state': (string);
}
