// Original file: proto/cluster.proto


export interface JobInfo {
  'jobId'?: (string);
  'name'?: (string);
  'state'?: (string);
  'startMs'?: (number | string);
  'endMs'?: (number | string);
  'progress'?: ({[key: string]: number | string});
  'message'?: (string);
  'submitted'?: (boolean);
}

export interface JobInfo__Output {
  'jobId': (string);
  'name': (string);
  'state': (string);
  'startMs': (number);
  'endMs': (number);
  'progress': ({[key: string]: number});
  'message': (string);
  'submitted': (boolean);
}
