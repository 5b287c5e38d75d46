// Original file: proto/jobs.proto

import type { JobInfo as _twist_v1_JobInfo, JobInfo__Output as _twist_v1_JobInfo__Output } from '../../twist/v1/JobInfo.js';

export interface GetJobReply {
  'job'?: (_twist_v1_JobInfo | null);
  'trainArgs'?: (string)[];
  'driverPid'?: (number);
  'driverStarts'?: (number);
  'logPath'?: (string);
}

export interface GetJobReply__Output {
  'job': (_twist_v1_JobInfo__Output | null);
  'trainArgs': (string)[];
  'driverPid': (number);
  'driverStarts': (number);
  'logPath': (string);
}
