import { parseRequest, unary, type Guard } from '../core/index.js';
import type { JobsHandlers } from '../proto/index.js';
import type { ClusterManager } from './cluster-manager.js';
import { jobInfo } from './head-service.js';
import type { JobSupervisor } from './job-supervisor.js';
import * as S from './request-schemas.js';

/**
 * The Jobs service's handlers (submit, status, logs, stop of jobs whose driver the head runs):
 * authenticated and validated like the Cluster service's.
 */
export function jobsHandlers(manager: ClusterManager, supervisor: JobSupervisor, g: Guard): JobsHandlers {
  return {
    SubmitJob: unary(g, 'SubmitJob', (req) => {
      const r = parseRequest(S.SubmitJobSchema, req, 'SubmitJob');
      const j = supervisor.submit(r.name, r.trainArgs);
      return { jobId: j.id, logPath: j.submission?.logPath ?? '' };
    }),
    GetJob: unary(g, 'GetJob', (req) => {
      const j = manager.job(parseRequest(S.JobRefSchema, req, 'GetJob').jobId);
      return {
        job: jobInfo(j),
        trainArgs: j.submission?.trainArgs ?? [],
        driverPid: j.submission?.driverPid ?? 0,
        driverStarts: j.submission?.driverStarts ?? 0,
        logPath: j.submission?.logPath ?? '',
      };
    }),
    GetJobLogs: unary(g, 'GetJobLogs', (req) => {
      const r = parseRequest(S.GetJobLogsSchema, req, 'GetJobLogs');
      return supervisor.logs(r.jobId, r.offset, r.maxBytes);
    }),
    StopJob: unary(g, 'StopJob', (req) => ({
      state: supervisor.stop(parseRequest(S.JobRefSchema, req, 'StopJob').jobId),
    })),
  };
}
