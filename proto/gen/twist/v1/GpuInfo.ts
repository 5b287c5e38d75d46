// Original file: proto/cluster.proto


export interface GpuInfo {
  'index'?: (number);
  'name'?: (string);
  'memoryBytes'?: (number | string);
  'declared'?: (boolean);
}

export interface GpuInfo__Output {
  'index': (number);
  'name': (string);
  'memoryBytes': (number);
  'declared': (boolean);
}
