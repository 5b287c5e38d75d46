import type { Command } from 'commander';
import { ClusterClient, type ClusterStatus } from '../client/index.js';
import { formatResources } from '../core/index.js';
import { headOption, tlsOf, tokenOf, withClusterFlags, type ClusterFlags } from './cluster-flags.js';

const age = (ms: number): string => (ms ? `${((Date.now() - ms) / 1000).toFixed(1)} s ago` : '-');

/** The human form of `twist status`. */
export function formatStatus(s: ClusterStatus): string {
  const lines: string[] = [];
  const alive = s.nodes.filter((n) => n.state === 'ALIVE');
  lines.push(`Nodes: ${alive.length} alive, ${s.nodes.length - alive.length} dead`);
  for (const n of s.nodes) {
    const used: Record<string, number> = {};
    for (const [k, t] of Object.entries(n.resources.total)) used[k] = t - (n.resources.available[k] ?? 0);
    const res = Object.keys(n.resources.total)
      .map((k) =>
        k === 'memory'
          ? `memory ${(used[k]! / 2 ** 30).toFixed(1)}/${(n.resources.total[k]! / 2 ** 30).toFixed(1)} GiB`
          : `${k} ${used[k]}/${n.resources.total[k]}`,
      )
      .join(', ');
    const gpus = n.gpus.length
      ? `  GPUs: ${n.gpus.map((g) => `${g.index} ${g.declared ? '(declared, not detected)' : `${g.name}, ${(g.memoryBytes / 2 ** 30).toFixed(0)} GiB`}`).join('; ')}`
      : '';
    const labels = Object.entries(n.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    lines.push(
      `  ${n.id}  ${n.state.padEnd(5)}  ${n.address}  ${res}${labels ? `  labels ${labels}` : ''}${n.state === 'ALIVE' ? `  seen ${age(n.lastSeenMs)}` : `  (${n.deathCause})`}`,
    );
    if (gpus) lines.push(`  ${gpus}`);
  }
  const by = new Map<string, number>();
  for (const a of s.actors) by.set(a.state, (by.get(a.state) ?? 0) + 1);
  lines.push(`Actors: ${[...by].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`);
  for (const a of s.actors.filter((x) => x.state !== 'DEAD'))
    lines.push(
      `  ${a.id}  ${a.className}${a.name ? ` (${a.name})` : ''}  ${a.state}  node ${a.nodeId || '-'}  pid ${a.pid || '-'}  restarts ${a.restarts}/${a.maxRestarts}${a.gpuIds.length ? `  GPUs ${a.gpuIds.join(',')}` : ''}`,
    );
  for (const a of s.actors.filter((x) => x.state === 'DEAD').slice(-10))
    lines.push(`  ${a.id}  ${a.className}  DEAD  ${a.deathCause}`);
  if (s.placementGroups.length) {
    lines.push(`Placement groups:`);
    for (const g of s.placementGroups.filter((x) => x.state !== 'REMOVED'))
      lines.push(
        `  ${g.id}  ${g.strategy}  ${g.state}  ${g.bundles.length} bundles on ${g.bundleNodes.map((b) => b || '-').join(', ')}`,
      );
  }
  lines.push(`Pending demand: ${s.pending.length ? '' : 'none'}`);
  for (const p of s.pending)
    lines.push(
      `  ${p.kind} ${p.id}  ${p.strategy}  ${p.bundles.map((b) => `{${formatResources(b)}}`).join(' ')}  waiting ${age(p.sinceMs)}`,
    );
  if (s.unauthenticatedTotal) lines.push(`Requests refused for a bad token: ${s.unauthenticatedTotal}`);
  return lines.join('\n') + '\n';
}

/** `twist status`: the cluster's nodes, actors, placement groups and pending demand. */
export function addStatusCommand(program: Command): void {
  withClusterFlags(
    program
      .command('status')
      .description('show nodes, actors, placement groups and pending demand')
      .addOption(headOption())
      .option('--json', 'print one JSON object'),
  ).action(async (f: ClusterFlags & { head: string; json?: boolean }) => {
    const s = await withClient(f, (c) => c.status());
    process.stdout.write(f.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
  });
}

/** `twist stop`: stops the whole cluster (workers' actors end, then the workers and the head). */
export function addStopCommand(program: Command): void {
  withClusterFlags(
    program
      .command('stop')
      .description('stop the cluster: every worker, then the head')
      .addOption(headOption()),
  ).action(async (f: ClusterFlags & { head: string }) => {
    await withClient(f, (c) => c.stopCluster());
    process.stderr.write(`cluster at ${f.head} is stopping\n`);
  });
}

/** Runs `fn` with a job-less client of the head the flags name, closing it afterwards. */
export async function withClient<T>(
  f: ClusterFlags & { head: string },
  fn: (c: ClusterClient) => Promise<T>,
): Promise<T> {
  const client = await ClusterClient.connect({ head: f.head, token: tokenOf(f), tls: tlsOf(f), job: false });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
