// Original file: proto/jobs.proto


export interface SubmitJobRequest {
  'name'?: (string);
  'trainArgs'?: (string)[];
}

export interface SubmitJobRequest__Output {
  'name': (string);
  'trainArgs': (string)[];
}
