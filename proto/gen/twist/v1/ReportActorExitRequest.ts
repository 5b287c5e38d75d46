// Original file: proto/cluster.proto


export interface ReportActorExitRequest {
  'nodeId'?: (string);
  'actorId'?: (string);
  'exitCode'?: (number);
  'signal'?: (string);
  'reason'?: (string);
  'incarnation'?: (number);
}

export interface ReportActorExitRequest__Output {
  'nodeId': (string);
  'actorId': (string);
  'exitCode': (number);
  'signal': (string);
  'reason': (string);
  'incarnation': (number);
}
