import test from 'ava';
import {
  actorInfeasibility,
  groupInfeasibility,
  pickNode,
  placeBundles,
  type NodeView,
} from '../../head/index.js';

const node = (
  id: string,
  cpu: number,
  gpu = 0,
  used: Record<string, number> = {},
  labels = {},
): NodeView => ({
  id,
  total: { CPU: cpu, ...(gpu ? { GPU: gpu } : {}) },
  available: { CPU: cpu - (used['CPU'] ?? 0), ...(gpu ? { GPU: gpu - (used['GPU'] ?? 0) } : {}) },
  labels,
  actorCount: used['actors'] ?? 0,
});

test('PACK prefers the busiest node that fits; SPREAD the emptiest', (t) => {
  const nodes = [
    node('a', 8, 0, { CPU: 1, actors: 1 }),
    node('b', 8, 0, { CPU: 6, actors: 3 }),
    node('c', 8),
  ];
  t.is(pickNode({ CPU: 1 }, 'PACK', {}, nodes)?.id, 'b');
  t.is(pickNode({ CPU: 3 }, 'PACK', {}, nodes)?.id, 'a'); // b has only 2 left
  t.is(pickNode({ CPU: 1 }, 'SPREAD', {}, nodes)?.id, 'c');
  t.is(pickNode({ CPU: 9 }, 'PACK', {}, nodes), undefined);
  t.is(pickNode({ CPU: 1 }, 'PACK', { zone: 'x' }, [...nodes, node('d', 2, 0, {}, { zone: 'x' })])?.id, 'd');
});

test('infeasible: nothing could ever fit, or no node has the labels; with no nodes, wait', (t) => {
  const nodes = [node('a', 4), node('b', 8, 2)];
  t.is(actorInfeasibility({ GPU: 1 }, {}, nodes), undefined);
  t.regex(actorInfeasibility({ GPU: 3 }, {}, nodes)!, /no node can ever fit \{GPU: 3\}/);
  t.regex(actorInfeasibility({}, { zone: 'x' }, nodes)!, /no node has the labels zone=x/);
  t.is(actorInfeasibility({ GPU: 100 }, {}, []), undefined);
  t.regex(groupInfeasibility([{ CPU: 5 }, { CPU: 5 }], 'STRICT_PACK', nodes)!, /STRICT_PACK needs one node/);
  t.is(groupInfeasibility([{ CPU: 4 }, { CPU: 4 }], 'STRICT_PACK', nodes), undefined);
  t.regex(groupInfeasibility([{ CPU: 9 }], 'PACK', nodes)!, /bundle 0/);
  // STRICT_SPREAD with more bundles than nodes is not infeasible: it waits for nodes.
  t.is(groupInfeasibility([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD', nodes), undefined);
});

test('placement groups: all or nothing, per strategy', (t) => {
  const nodes = [node('a', 4), node('b', 4), node('c', 4)];
  const b2 = [{ CPU: 2 }, { CPU: 2 }];
  t.deepEqual(new Set(placeBundles(b2, 'STRICT_PACK', nodes)), new Set(['a']));
  t.is(placeBundles([{ CPU: 3 }, { CPU: 3 }], 'STRICT_PACK', nodes), undefined);
  const packed = placeBundles([{ CPU: 3 }, { CPU: 3 }], 'PACK', nodes)!;
  t.is(packed.length, 2);
  t.not(packed[0], packed[1]);
  t.deepEqual(new Set(placeBundles(b2, 'PACK', nodes)), new Set(['a']));
  const spread = placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'SPREAD', nodes)!;
  t.is(new Set(spread).size, 3);
  const four = placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'SPREAD', nodes)!;
  t.is(new Set(four).size, 3); // SPREAD reuses nodes when it must
  t.is(placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD', nodes), undefined);
  // Backtracking: the big bundle needs the big node.
  const mixed = [node('small', 1), node('big', 4)];
  t.deepEqual(placeBundles([{ CPU: 1 }, { CPU: 3 }], 'STRICT_SPREAD', mixed), ['small', 'big']);
  // Re-placing a lost bundle keeps the others where they are and respects the strategy.
  t.deepEqual(placeBundles(b2, 'STRICT_SPREAD', nodes, ['b', '']), ['b', 'a']);
  // Bundles reserve what they take: two bundles of 3 do not share a node of 4.
  t.is(
    placeBundles([{ CPU: 3 }, { CPU: 3 }], 'STRICT_SPREAD', [node('a', 4), node('b', 4, 0, { CPU: 2 })]),
    undefined,
  );
});
