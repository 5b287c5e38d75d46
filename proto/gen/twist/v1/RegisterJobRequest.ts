// Original file: proto/cluster.proto


export interface RegisterJobRequest {
  'name'?: (string);
  'attachJobId'?: (string);
}

export interface RegisterJobRequest__Output {
  'name': (string);
  'attachJobId': (string);
}
