/**
 * Entry point of an actor's own process (forked by the worker agent). It waits for its start
 * message, constructs the actor of the named class, serves its methods, and exits when told to
 * stop, on SIGTERM, or as soon as the worker that started it is gone (IPC channel closed).
 */
import { Buffer } from 'node:buffer';
import {
  createLogger,
  decodePayload,
  guardFor,
  HttpEndpoint,
  ProcessMetrics,
  TwistError,
} from '../core/index.js';
import { ActorServer } from './actor-server.js';
import { actorClass } from './actors/registry.js';
import type { ReadyMessage, StartMessage, StopMessage } from './actor-process-messages.js';

const send = (m: ReadyMessage): void => {
  process.send?.(m);
};

process.on('disconnect', () => process.exit(1));
send({ type: 'booted' });

let server: ActorServer | undefined;
let http: HttpEndpoint | undefined;
let actorClose: (() => Promise<void> | void) | undefined;
const abort = new AbortController();

async function stop(code: number): Promise<never> {
  abort.abort();
  await server?.close().catch(() => undefined);
  await http?.close().catch(() => undefined);
  await Promise.resolve(actorClose?.()).catch(() => undefined);
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));

process.on('message', (raw: StartMessage | StopMessage) => {
  if (raw.type === 'stop') {
    void stop(0);
    return;
  }
  void (async () => {
    const m = raw;
    const log = createLogger({
      component: 'actor',
      actor_id: m.actorId,
      node_id: m.nodeId,
      class: m.className,
    });
    try {
      const cls = actorClass(m.className);
      const metrics = new ProcessMetrics({
        role: 'actor',
        node: m.nodeId,
        actor: m.actorId,
        class: m.className,
      });
      http = new HttpEndpoint(metrics, m.host, m.token);
      const metricsAddress = await http.start(0);
      const ctx = {
        actorId: m.actorId,
        nodeId: m.nodeId,
        incarnation: m.incarnation,
        gpuIds: m.gpuIds,
        log,
        signal: abort.signal,
        metrics,
        cluster: { head: m.head, token: m.token, tls: m.tls, host: m.host },
        ...(m.scratchDir ? { scratchDir: m.scratchDir } : {}),
      };
      const actor = await cls.create(decodePayload(Buffer.from(m.args)), ctx);
      actorClose = actor.close?.bind(actor);
      server = new ActorServer(actor, cls, ctx, guardFor(m.token));
      const address = await server.start(m.host, m.tls);
      log.info({ address, metrics: metricsAddress }, 'actor ready');
      send({ type: 'ready', address, metricsAddress });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      log.error({ err: e }, 'actor failed to start');
      send({
        type: 'failed',
        error: {
          name: e.name,
          code: e instanceof TwistError ? e.code : '',
          message: e.message,
          stack: e.stack ?? '',
        },
      });
      setTimeout(() => process.exit(1), 100);
    }
  })();
});
