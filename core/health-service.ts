import type * as grpc from '@grpc/grpc-js';
import type { HealthCheckRequest__Output, HealthCheckResponse, HealthHandlers } from '../proto/index.js';
import { authorizeStream, unary, type Guard } from './rpc-server.js';

/**
 * grpc.health.v1.Health handlers (the standard protocol; the cluster token is required like on
 * every other RPC). `serving()` tells whether the process serves; the empty service name asks
 * about the whole server.
 */
export function healthHandlers(guard: Guard, serving: () => boolean): HealthHandlers {
  const status = (): HealthCheckResponse => ({ status: serving() ? 'SERVING' : 'NOT_SERVING' });
  return {
    Check: unary<HealthCheckRequest__Output, HealthCheckResponse>(guard, 'Health.Check', status),
    Watch: (call: grpc.ServerWritableStream<HealthCheckRequest__Output, HealthCheckResponse>) => {
      if (!authorizeStream(guard, 'Health.Watch', call as grpc.ServerWritableStream<unknown, unknown>))
        return;
      let last = '';
      const send = (): void => {
        const s = status();
        if (s.status !== last) call.write(s);
        last = String(s.status);
      };
      send();
      const t = setInterval(send, 1000);
      call.on('cancelled', () => clearInterval(t));
      call.on('close', () => clearInterval(t));
    },
  };
}
