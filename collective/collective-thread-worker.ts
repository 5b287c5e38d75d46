/**
 * The worker thread of a {@link CollectiveThread}: its own collective server and ring
 * communicator. Operations run in the order their messages arrive (the communicator serialises
 * them as they are called); a blocking sum wakes the waiting main thread through shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CollectiveServer } from './collective-server.js';
import {
  Control,
  SumState,
  type CollectiveThreadData,
  type CollectiveThreadReply,
  type CollectiveThreadRequest,
} from './collective-thread.js';
import { Communicator } from './communicator.js';

const data = workerData as CollectiveThreadData;
const port = parentPort!;
const control = new Int32Array(data.control, 0, Control.WORDS);
const errorBytes = new Uint8Array(data.control, Control.WORDS * 4);
const security = { ...(data.token ? { token: data.token } : {}), ...(data.tls ? { tls: data.tls } : {}) };
const server = new CollectiveServer(data.host, 30_000, security);
let comm: Communicator | undefined;
const reply = (m: CollectiveThreadReply): void => port.postMessage(m);

function wake(state: number, message?: string): void {
  if (message !== undefined) {
    const bytes = new TextEncoder().encode(message).subarray(0, errorBytes.length);
    errorBytes.set(bytes);
    Atomics.store(control, Control.ERROR_LENGTH, bytes.length);
  }
  Atomics.store(control, Control.STATE, state);
  Atomics.notify(control, Control.STATE);
}

function ring(): Communicator {
  if (!comm) throw new Error('collective thread: no ring joined');
  return comm;
}

/** The ring's private copy of the bulk buffer, reused: a fresh one per operation cost page faults. */
let local = new Float32Array(0);

/** Runs `op` on a private copy of the shared buffer's first `length` values and writes it back. */
function onCopy(
  shared: SharedArrayBuffer,
  length: number,
  op: (buf: Float32Array) => Promise<unknown>,
): Promise<void> {
  const view = new Float32Array(shared, 0, length);
  if (local.length < length) local = new Float32Array(length);
  const buf = local.subarray(0, length);
  buf.set(view);
  return op(buf).then(() => view.set(buf));
}

port.on('message', (m: CollectiveThreadRequest) => {
  switch (m.type) {
    case 'gather':
      // Called synchronously, so the ring queues it in message order.
      try {
        const c = ring();
        const shared = new Float32Array(m.data, 0, m.length * c.worldSize);
        c.allGather(shared.slice(0, m.length))
          .then((all) => shared.set(all))
          .then(
            () => wake(SumState.DONE),
            (err: Error) => wake(SumState.FAILED, err.message),
          );
      } catch (err) {
        wake(SumState.FAILED, (err as Error).message);
      }
      return;
    case 'allreduce':
    case 'broadcast': {
      let p: Promise<void>;
      try {
        const c = ring();
        p =
          m.type === 'allreduce'
            ? onCopy(m.data, m.length, (b) =>
                Promise.all(m.buckets.map(([s, e]) => c.allReduce(b.subarray(s, e), m.op))),
              )
            : onCopy(m.data, m.length, (b) => c.broadcast(b, m.root));
      } catch (err) {
        p = Promise.reject(err as Error);
      }
      // Its operations are queued on the ring now (the communicator queues at call time on the
      // native link): a blocking sum on the main thread may follow them.
      Atomics.add(control, Control.QUEUED, 1);
      Atomics.notify(control, Control.QUEUED);
      p.then(
        () => reply({ type: 'done', id: m.id }),
        (err: Error) => reply({ type: 'error', id: m.id, message: err.message }),
      );
      return;
    }
    case 'join':
    case 'close':
      void (async () => {
        try {
          comm?.close();
          comm = undefined;
          if (m.type === 'join')
            comm = await Communicator.create({
              groupId: m.groupId,
              generation: m.generation,
              rank: m.rank,
              peers: m.peers,
              server,
              layoutHash: m.layoutHash,
              timeoutMs: data.timeoutMs,
              spinMs: data.spinMs,
              ...security,
            });
          else await server.close();
          const link = comm?.sharedLink();
          reply({
            type: 'done',
            id: m.id,
            ...(link !== undefined ? { link } : {}),
            ...(comm ? { dataPlane: comm.dataPlane } : {}),
          });
        } catch (err) {
          reply({ type: 'error', id: m.id, message: (err as Error).message });
        }
      })();
  }
});

try {
  reply({ type: 'started', address: await server.start() });
} catch (err) {
  reply({ type: 'error', id: 0, message: (err as Error).message });
}
