// Original file: proto/cluster.proto


export interface ActorInfo {
  'actorId'?: (string);
  'className'?: (string);
  'jobId'?: (string);
  'nodeId'?: (string);
  'pid'?: (number);
  'state'?: (string);
  'restarts'?: (number);
  'maxRestarts'?: (number);
  'deathCause'?: (string);
  'address'?: (string);
  'resources'?: ({[key: string]: number | string});
  'gpuIds'?: (number)[];
  'name'?: (string);
  'placementGroupId'?: (string);
  'incarnation'?: (number);
  'processStartMs'?: (number | string);
  'constructorMs'?: (number | string);
  'metricsAddress'?: (string);
}

export interface ActorInfo__Output {
  'actorId': (string);
  'className': (string);
  'jobId': (string);
  'nodeId': (string);
  'pid': (number);
  'state': (string);
  'restarts': (number);
  'maxRestarts': (number);
  'deathCause': (string);
  'address': (string);
  'resources': ({[key: string]: number});
  'gpuIds': (number)[];
  'name': (string);
  'placementGroupId': (string);
  'incarnation': (number);
  'processStartMs': (number);
  'constructorMs': (number);
  'metricsAddress': (string);
}
