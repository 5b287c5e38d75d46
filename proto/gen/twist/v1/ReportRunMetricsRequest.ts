// Original file: proto/cluster.proto


export interface ReportRunMetricsRequest {
  'jobId'?: (string);
  'timeMs'?: (number | string);
  'values'?: ({[key: string]: number | string});
}

export interface ReportRunMetricsRequest__Output {
  'jobId': (string);
  'timeMs': (number);
  'values': ({[key: string]: number});
}
