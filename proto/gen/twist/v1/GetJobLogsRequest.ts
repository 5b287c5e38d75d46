// Original file: proto/jobs.proto


export interface GetJobLogsRequest {
  'jobId'?: (string);
  'offset'?: (number | string);
  'maxBytes'?: (number);
}

export interface GetJobLogsRequest__Output {
  'jobId': (string);
  'offset': (number);
  'maxBytes': (number);
}
