/**
 * Rank 1 of a two-rank collective group, in a worker thread, for the spin tests: it starts a
 * {@link CollectiveThread}, posts its address, joins with the peers it is sent, and on each
 * `{ sum, delayMs }` message waits `delayMs` and then sums `sum` with rank 0, posting the result.
 * The test terminates it.
 */
import { parentPort } from 'node:worker_threads';
import { CollectiveThread } from '../../collective/index.js';

type Message = { peers: string[] } | { sum: number[]; delayMs: number };

const port = parentPort!;
const group = await CollectiveThread.start({ spinMs: 0 });
port.postMessage({ address: group.address });
port.on('message', (m: Message) => {
  void (async () => {
    if ('peers' in m) {
      await group.join({ groupId: 'spin', generation: 1, rank: 1, peers: m.peers });
      port.postMessage({ joined: true });
    } else {
      await new Promise((r) => setTimeout(r, m.delayMs));
      port.postMessage({ sum: [...group.sum(Float32Array.from(m.sum))] });
    }
  })();
});
