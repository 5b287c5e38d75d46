// Original file: proto/jobs.proto


export interface GetJobLogsReply {
  'data'?: (Buffer | Uint8Array | string);
  'nextOffset'?: (number | string);
  'done'?: (boolean);
}

export interface GetJobLogsReply__Output {
  'data': (Buffer);
  'nextOffset': (number);
  'done': (boolean);
}
