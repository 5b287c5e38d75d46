import { parseRequest, unary, type Guard } from '../core/index.js';
import type { ClusterHandlers, wire } from '../proto/index.js';
import type { ActorRecord, JobRecord, PlacementGroupRecord } from './records.js';
import type { ClusterManager, NodeStatus, PendingDemand } from './cluster-manager.js';
import * as S from './request-schemas.js';

const actorInfo = (a: ActorRecord): wire.ActorInfo => ({
  actorId: a.id,
  className: a.className,
  jobId: a.jobId,
  nodeId: a.nodeId,
  pid: a.pid,
  state: a.state,
  restarts: a.restarts,
  maxRestarts: a.maxRestarts,
  deathCause: a.deathCause,
  address: a.address,
  resources: a.resources,
  gpuIds: a.gpuIds,
  name: a.name,
  placementGroupId: a.placementGroupId,
  incarnation: a.incarnation,
  processStartMs: a.processStartMs ?? 0,
  constructorMs: a.constructorMs ?? 0,
  metricsAddress: a.metricsAddress ?? '',
});

const groupInfo = (g: PlacementGroupRecord): wire.PlacementGroupInfo => ({
  placementGroupId: g.id,
  jobId: g.jobId,
  strategy: g.strategy,
  state: g.state,
  bundles: g.bundles.map((resources) => ({ resources })),
  bundleNodes: g.bundleNodes,
  name: g.name,
});

const nodeInfo = (n: NodeStatus): wire.NodeInfo => ({
  nodeId: n.id,
  address: n.address,
  state: n.state,
  total: n.total,
  available: n.available,
  labels: n.labels,
  gpus: n.gpus,
  lastSeenMs: n.lastSeenMs,
  deathCause: n.deathCause,
  hostname: n.hostname,
  metricsAddress: n.metricsAddress ?? '',
});

export const jobInfo = (j: JobRecord & { progress: Record<string, number> }): wire.JobInfo => ({
  progress: j.progress,
  jobId: j.id,
  name: j.name,
  state: j.state,
  startMs: j.startMs,
  endMs: j.endMs,
  message: j.message ?? '',
  submitted: Boolean(j.submission),
});

const pendingInfo = (p: PendingDemand): wire.PendingDemand => ({
  kind: p.kind,
  id: p.id,
  bundles: p.bundles.map((resources) => ({ resources })),
  strategy: p.strategy,
  sinceMs: p.sinceMs,
});

/** The whole cluster as GetClusterStatus answers it (also the dashboard's /api/status). */
export function statusReply(m: ClusterManager, unauthenticatedTotal: number): wire.GetClusterStatusReply {
  const s = m.snapshot();
  return {
    nodes: s.nodes.map(nodeInfo),
    actors: s.actors.map(actorInfo),
    placementGroups: s.placementGroups.map(groupInfo),
    pending: s.pending.map(pendingInfo),
    jobs: s.jobs.map(jobInfo),
    headInstance: m.instance,
    unauthenticatedTotal,
  };
}

/** What the service needs besides the manager. */
export interface HeadServiceDeps {
  manager: ClusterManager;
  guard: Guard;
  jobHeartbeatTimeoutMs: number;
  unauthenticatedTotal: () => number;
  /** Starts the head's shutdown (after the reply is sent). */
  requestShutdown: () => void;
  /** A run's figures for the dashboard's history. */
  recordRunMetrics: (jobId: string, timeMs: number, values: Record<string, number>) => void;
}

/**
 * The Cluster service's handlers: every request is authenticated, validated against its schema
 * (INVALID_ARGUMENT names the field) and only then handed to the manager; every error becomes a
 * status at this boundary.
 */
export function clusterHandlers(d: HeadServiceDeps): ClusterHandlers {
  const m = d.manager;
  const g = d.guard;
  return {
    RegisterNode: unary(g, 'RegisterNode', (req) => {
      const r = parseRequest(S.RegisterNodeSchema, req, 'RegisterNode');
      const { nodeId, stopActorIds } = m.registerNode(r);
      return { nodeId, headInstance: m.instance, stopActorIds };
    }),
    Heartbeat: unary(g, 'Heartbeat', (req) => {
      const r = parseRequest(S.HeartbeatSchema, req, 'Heartbeat');
      return { known: m.heartbeat(r.nodeId), headInstance: m.instance };
    }),
    ReportActorExit: unary(g, 'ReportActorExit', (req) => {
      const r = parseRequest(S.ReportActorExitSchema, req, 'ReportActorExit');
      const how = r.signal ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`;
      m.actorExited(
        r.nodeId,
        r.actorId,
        r.incarnation,
        `its process ${how}${r.reason ? `: ${r.reason}` : ''}`,
      );
      return {};
    }),
    RegisterJob: unary(g, 'RegisterJob', (req) => {
      const r = parseRequest(S.RegisterJobSchema, req, 'RegisterJob');
      return {
        jobId: m.registerJob(r.name, r.attachJobId).id,
        heartbeatTimeoutMs: d.jobHeartbeatTimeoutMs,
      };
    }),
    JobHeartbeat: unary(g, 'JobHeartbeat', (req) => ({
      known: m.jobHeartbeat(parseRequest(S.JobRefSchema, req, 'JobHeartbeat').jobId),
    })),
    FinishJob: unary(g, 'FinishJob', (req) => {
      const r = parseRequest(S.FinishJobSchema, req, 'FinishJob');
      if (r.failed) m.finishJob(r.jobId, 'FAILED', r.message || 'its driver failed');
      else m.finishJob(r.jobId);
      return {};
    }),
    CreateActor: unary(g, 'CreateActor', (req) => ({
      actorId: m.createActor(parseRequest(S.CreateActorSchema, req, 'CreateActor')),
    })),
    GetActor: unary(g, 'GetActor', async (req, call) => {
      const r = parseRequest(S.GetActorSchema, req, 'GetActor');
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      return { actor: actorInfo(await m.getActor(r.actorId, r.waitReadyMs, r.afterIncarnation, ac.signal)) };
    }),
    KillActor: unary(g, 'KillActor', (req) => {
      const r = parseRequest(S.KillActorSchema, req, 'KillActor');
      m.killActor(r.actorId, r.allowRestart);
      return {};
    }),
    CreatePlacementGroup: unary(g, 'CreatePlacementGroup', (req) => {
      const r = parseRequest(S.CreateGroupSchema, req, 'CreatePlacementGroup');
      return {
        placementGroupId: m.createGroup(
          r.jobId,
          r.bundles.map((b) => b.resources),
          r.strategy,
          r.name,
        ),
      };
    }),
    GetPlacementGroup: unary(g, 'GetPlacementGroup', async (req, call) => {
      const r = parseRequest(S.GetGroupSchema, req, 'GetPlacementGroup');
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      return { placementGroup: groupInfo(await m.getGroup(r.placementGroupId, r.waitReadyMs, ac.signal)) };
    }),
    RemovePlacementGroup: unary(g, 'RemovePlacementGroup', (req) => {
      m.removeGroup(parseRequest(S.GroupRefSchema, req, 'RemovePlacementGroup').placementGroupId);
      return {};
    }),
    GetClusterStatus: unary(g, 'GetClusterStatus', () => statusReply(m, d.unauthenticatedTotal())),
    ReportRunMetrics: unary(g, 'ReportRunMetrics', (req) => {
      const r = parseRequest(S.ReportRunMetricsSchema, req, 'ReportRunMetrics');
      d.recordRunMetrics(r.jobId, r.timeMs || Date.now(), r.values);
      return {};
    }),
    Shutdown: unary(g, 'Shutdown', () => {
      setImmediate(d.requestShutdown);
      return {};
    }),
  };
}
