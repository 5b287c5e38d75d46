import { fits, formatResources, subtract, sum, type Resources } from '../core/index.js';
import type { PlacementStrategy, SchedulingStrategy } from './records.js';

/** What the scheduler sees of a live node. */
export interface NodeView {
  id: string;
  total: Resources;
  available: Resources;
  labels: Record<string, string>;
  /** Actors placed there (SPREAD balances on it). */
  actorCount: number;
}

const matches = (n: NodeView, selector: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => n.labels[k] === v);

/** The most used share of any resource the node has (0 idle .. 1 full). */
function utilization(n: NodeView): number {
  let u = 0;
  for (const [k, t] of Object.entries(n.total)) if (t > 0) u = Math.max(u, 1 - (n.available[k] ?? 0) / t);
  return u;
}

/** Nodes in the order a policy tries them: PACK fills the busiest first, SPREAD the emptiest. */
function ordered(nodes: readonly NodeView[], policy: 'PACK' | 'SPREAD'): NodeView[] {
  const byId = (a: NodeView, b: NodeView): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...nodes].sort((a, b) =>
    policy === 'PACK'
      ? utilization(b) - utilization(a) || b.actorCount - a.actorCount || byId(a, b)
      : a.actorCount - b.actorCount || utilization(a) - utilization(b) || byId(a, b),
  );
}

/**
 * Why an actor's request can never be met by these nodes (none of them, even idle, has enough or
 * carries the labels), or undefined when some node could take it. With no node at all the request
 * waits (workers may still be coming).
 */
export function actorInfeasibility(
  req: Resources,
  selector: Record<string, string>,
  nodes: readonly NodeView[],
): string | undefined {
  if (nodes.length === 0) return undefined;
  const labelled = nodes.filter((n) => matches(n, selector));
  if (labelled.length === 0)
    return `no node has the labels ${Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`;
  if (labelled.some((n) => fits(req, n.total))) return undefined;
  return `no node can ever fit {${formatResources(req)}}: the largest offer ${labelled
    .map((n) => `{${formatResources(n.total)}}`)
    .join(', ')}`;
}

/** The node an actor goes to now, or undefined when none has room. */
export function pickNode(
  req: Resources,
  strategy: SchedulingStrategy,
  selector: Record<string, string>,
  nodes: readonly NodeView[],
): NodeView | undefined {
  return ordered(
    nodes.filter((n) => matches(n, selector) && fits(req, n.available)),
    strategy,
  )[0];
}

/** Why a placement group can never be placed on these nodes, or undefined. */
export function groupInfeasibility(
  bundles: readonly Resources[],
  strategy: PlacementStrategy,
  nodes: readonly NodeView[],
): string | undefined {
  if (nodes.length === 0) return undefined;
  for (const [i, b] of bundles.entries())
    if (!nodes.some((n) => fits(b, n.total))) return `bundle ${i} {${formatResources(b)}} fits on no node`;
  if (strategy === 'STRICT_PACK') {
    const total = sum(bundles);
    if (!nodes.some((n) => fits(total, n.total)))
      return `STRICT_PACK needs one node with {${formatResources(total)}}; none has it`;
  }
  return undefined;
}

/**
 * Places every bundle of a group all-or-nothing: the node of each bundle, or undefined when they
 * cannot all fit now. `fixed[i]` keeps a bundle where it is (a group that lost a node re-places the
 * missing bundles only). Ray's semantics: STRICT_PACK one node; PACK as few nodes as it can;
 * STRICT_SPREAD each bundle on its own node; SPREAD as many nodes as it can.
 */
export function placeBundles(
  bundles: readonly Resources[],
  strategy: PlacementStrategy,
  nodes: readonly NodeView[],
  fixed: readonly string[] = [],
): string[] | undefined {
  const avail = new Map(nodes.map((n) => [n.id, { ...n.available }]));
  const out = bundles.map((_, i) => fixed[i] ?? '');
  const todo = bundles.map((_, i) => i).filter((i) => !out[i]);
  const take = (id: string, r: Resources): boolean => {
    const a = avail.get(id);
    if (!a || !fits(r, a)) return false;
    avail.set(id, subtract(a, r));
    return true;
  };
  const release = (id: string, r: Resources): void => {
    const a = avail.get(id)!;
    for (const [k, v] of Object.entries(r)) a[k] = (a[k] ?? 0) + v;
  };
  // Bigger bundles first: fewer dead ends.
  todo.sort(
    (a, b) =>
      Object.values(bundles[b]!).reduce((s, v) => s + v, 0) -
      Object.values(bundles[a]!).reduce((s, v) => s + v, 0),
  );

  if (strategy === 'STRICT_PACK' || strategy === 'PACK') {
    const used = new Set(out.filter(Boolean));
    const need = sum(todo.map((i) => bundles[i]!));
    const candidates =
      used.size === 1 ? [...used] : used.size === 0 ? ordered(nodes, 'PACK').map((n) => n.id) : [];
    for (const id of candidates)
      if (fits(need, avail.get(id) ?? {})) {
        for (const i of todo) out[i] = id;
        return out;
      }
    if (strategy === 'STRICT_PACK') return undefined;
    for (const i of todo) {
      const order = [...ordered(nodes, 'PACK').map((n) => n.id)].sort(
        (a, b) => Number(used.has(b)) - Number(used.has(a)),
      );
      const id = order.find((n) => take(n, bundles[i]!));
      if (!id) return undefined;
      out[i] = id;
      used.add(id);
    }
    return out;
  }

  if (strategy === 'SPREAD') {
    const count = new Map<string, number>();
    for (const id of out) if (id) count.set(id, (count.get(id) ?? 0) + 1);
    for (const i of todo) {
      const order = ordered(nodes, 'SPREAD')
        .map((n) => n.id)
        .sort((a, b) => (count.get(a) ?? 0) - (count.get(b) ?? 0));
      const id = order.find((n) => take(n, bundles[i]!));
      if (!id) return undefined;
      out[i] = id;
      count.set(id, (count.get(id) ?? 0) + 1);
    }
    return out;
  }

  // STRICT_SPREAD: a node per bundle, by backtracking (groups are small).
  const taken = new Set(out.filter(Boolean));
  const order = ordered(nodes, 'SPREAD').map((n) => n.id);
  const solve = (k: number): boolean => {
    if (k === todo.length) return true;
    const i = todo[k]!;
    for (const id of order) {
      if (taken.has(id) || !take(id, bundles[i]!)) continue;
      taken.add(id);
      out[i] = id;
      if (solve(k + 1)) return true;
      taken.delete(id);
      release(id, bundles[i]!);
      out[i] = '';
    }
    return false;
  };
  return solve(0) ? out : undefined;
}
