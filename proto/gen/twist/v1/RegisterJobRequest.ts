// Original file: proto/cluster.proto


export interface RegisterJobRequest {
  'name'?: (string);
}

export interface RegisterJobRequest__Output {
  'name': (string);
}
