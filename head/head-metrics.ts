import type { Guard, ProcessMetrics } from '../core/index.js';
import type { ClusterManager, ClusterSnapshot, ManagerEvents } from './cluster-manager.js';

/**
 * The head's series: cluster tables by state (read at scrape time), scheduling and health-check
 * latency, failures, and the Cluster service's RPCs by method and status code.
 * @returns the manager events and guard hooks that feed them.
 */
export function headMetrics(
  m: ProcessMetrics,
  manager: () => ClusterManager | undefined,
): {
  events: Partial<ManagerEvents>;
  guard: Required<Pick<Guard, 'onHandled' | 'onUnauthenticated'>>;
  /** Running totals (status and the dashboard's history read them without a scrape). */
  totals: { rpcs: () => number; unauthenticated: () => number };
} {
  let rpcTotal = 0;
  let unauthTotal = 0;
  /** A gauge of how many records of a table are in each state, read at scrape time. */
  const byState = (
    name: string,
    help: string,
    table: (s: ClusterSnapshot) => readonly { state: string }[],
    states: readonly string[],
  ): void => {
    m.gauge(name, help, ['state'], (g) => {
      const snap = manager()?.snapshot();
      if (!snap) return;
      const rows = table(snap);
      for (const state of states) g.set({ state }, rows.filter((x) => x.state === state).length);
    });
  };
  byState('twist_head_nodes', 'Nodes by state.', (s) => s.nodes, ['ALIVE', 'DEAD']);
  byState('twist_head_actors', 'Actors by state.', (s) => s.actors, [
    'PENDING',
    'ALIVE',
    'RESTARTING',
    'DEAD',
  ]);
  byState('twist_head_jobs', 'Jobs by state.', (s) => s.jobs, ['RUNNING', 'FINISHED', 'FAILED', 'STOPPED']);
  byState('twist_head_placement_groups', 'Placement groups by state.', (s) => s.placementGroups, [
    'PENDING',
    'CREATED',
    'REMOVED',
  ]);
  m.gauge(
    'twist_run_progress_ratio',
    'Steps done / steps of each running job that reports a run.',
    ['job'],
    (g) => {
      g.reset();
      for (const j of manager()?.snapshot().jobs ?? [])
        if (j.state === 'RUNNING' && j.progress['run_total_steps'])
          g.set({ job: j.id }, (j.progress['run_step'] ?? 0) / j.progress['run_total_steps']);
    },
  );
  m.gauge('twist_run_failures', 'Failures each running job has recovered from.', ['job'], (g) => {
    g.reset();
    for (const j of manager()?.snapshot().jobs ?? [])
      if (j.state === 'RUNNING' && j.progress['run_failures'] !== undefined)
        g.set({ job: j.id }, j.progress['run_failures']);
  });
  m.gauge('twist_run_recovery_seconds', "The last recovery's phases (any job).", ['phase'], (g) => {
    for (const j of manager()?.snapshot().jobs ?? [])
      for (const phase of ['reschedule', 'restore', 'ring']) {
        const v = j.progress[`recovery_${phase}_s`];
        if (v !== undefined) g.set({ phase }, v);
      }
  });
  m.gauge('twist_head_pending_demand', 'Requests waiting for resources.', ['kind'], (g) => {
    const s = manager()?.snapshot();
    if (!s) return;
    g.set({ kind: 'actor' }, s.pending.filter((p) => p.kind === 'actor').length);
    g.set({ kind: 'placement_group' }, s.pending.filter((p) => p.kind === 'placement_group').length);
  });
  const scheduling = m.histogram(
    'twist_head_scheduling_latency_seconds',
    'From an actor asking for resources (creation or restart) to its placement on a node.',
  );
  const health = m.histogram('twist_head_health_check_seconds', 'One grpc.health.v1 check of a worker.', [
    'outcome',
  ]);
  const failures = m.counter(
    'twist_head_actor_failures_total',
    'Actor processes or nodes lost, by what followed.',
    ['outcome'],
  );
  const deaths = m.counter('twist_head_node_deaths_total', 'Nodes declared dead.');
  const detection = m.histogram(
    'twist_failure_detection_seconds',
    "From a dead node's last sign of life (heartbeat) to the head declaring it dead.",
    [],
    [0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
  );
  const rpcs = m.counter('twist_rpc_server_requests_total', 'Cluster RPCs answered, by method and status.', [
    'method',
    'code',
  ]);
  const rpcSeconds = m.histogram('twist_rpc_server_request_seconds', 'Time to answer a Cluster RPC.', [
    'method',
  ]);
  const unauth = m.counter(
    'twist_rpc_unauthenticated_total',
    'Requests refused for a missing or wrong token.',
    ['method'],
  );
  return {
    events: {
      onPlaced: (s) => scheduling.observe(s),
      onHealthCheck: (s, ok) => health.observe({ outcome: ok ? 'ok' : 'failed' }, s),
      onActorFailed: (restarting) => failures.inc({ outcome: restarting ? 'restarting' : 'dead' }),
      onNodeDead: (detectionS) => {
        deaths.inc();
        if (detectionS !== undefined) detection.observe(detectionS);
      },
    },
    guard: {
      onHandled: (method, code, seconds) => {
        rpcTotal++;
        rpcs.inc({ method, code });
        rpcSeconds.observe({ method }, seconds);
      },
      onUnauthenticated: (method) => {
        unauthTotal++;
        unauth.inc({ method });
      },
    },
    totals: { rpcs: () => rpcTotal, unauthenticated: () => unauthTotal },
  };
}
