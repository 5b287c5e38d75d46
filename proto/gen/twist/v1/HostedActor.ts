// Original file: proto/cluster.proto


export interface HostedActor {
  'actorId'?: (string);
  'pid'?: (number);
  'address'?: (string);
  'metricsAddress'?: (string);
}

export interface HostedActor__Output {
  'actorId': (string);
  'pid': (number);
  'address': (string);
  'metricsAddress': (string);
}
