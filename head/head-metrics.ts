import type { Guard, ProcessMetrics } from '../core/index.js';
import type { ClusterManager, ManagerEvents } from './cluster-manager.js';

/**
 * The head's series: cluster tables by state (read at scrape time), scheduling and health-check
 * latency, failures, and the Cluster service's RPCs by method and status code.
 * @returns the manager events and guard hooks that feed them.
 */
export function headMetrics(
  m: ProcessMetrics,
  manager: () => ClusterManager | undefined,
): { events: Partial<ManagerEvents>; guard: Pick<Guard, 'onHandled' | 'onUnauthenticated'> } {
  const count = <K extends string>(
    xs: readonly { state: string }[],
    states: readonly K[],
  ): Record<K, number> => {
    const out = Object.fromEntries(states.map((s) => [s, 0])) as Record<K, number>;
    for (const x of xs) if (x.state in out) out[x.state as K]++;
    return out;
  };
  m.gauge('twist_head_nodes', 'Nodes by state.', ['state'], (g) => {
    const s = manager()?.snapshot();
    if (!s) return;
    for (const [k, v] of Object.entries(count(s.nodes, ['ALIVE', 'DEAD']))) g.set({ state: k }, v);
  });
  m.gauge('twist_head_actors', 'Actors by state.', ['state'], (g) => {
    const s = manager()?.snapshot();
    if (!s) return;
    for (const [k, v] of Object.entries(count(s.actors, ['PENDING', 'ALIVE', 'RESTARTING', 'DEAD'])))
      g.set({ state: k }, v);
  });
  m.gauge('twist_head_placement_groups', 'Placement groups by state.', ['state'], (g) => {
    const s = manager()?.snapshot();
    if (!s) return;
    for (const [k, v] of Object.entries(count(s.placementGroups, ['PENDING', 'CREATED', 'REMOVED'])))
      g.set({ state: k }, v);
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
      onNodeDead: () => deaths.inc(),
    },
    guard: {
      onHandled: (method, code, seconds) => {
        rpcs.inc({ method, code });
        rpcSeconds.observe({ method }, seconds);
      },
      onUnauthenticated: (method) => unauth.inc({ method }),
    },
  };
}
