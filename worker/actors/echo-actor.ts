import { InvalidArgumentError } from '../../core/index.js';
import { defineActor } from './actor-class.js';

/**
 * A small actor for tests and smoke checks: echoes values, reports its process and environment,
 * sleeps, throws, allocates big results, exits.
 */
export const EchoActor = defineActor({
  name: 'echo',
  methods: ['echo', 'whoami', 'sleep', 'fail', 'bytes', 'sum', 'exit'],
  create: (args, ctx) => {
    const tag = typeof args === 'object' && args !== null && 'tag' in args ? String(args.tag) : '';
    return {
      echo: (x: unknown): unknown => x,
      whoami: () => ({
        actorId: ctx.actorId,
        nodeId: ctx.nodeId,
        incarnation: ctx.incarnation,
        pid: process.pid,
        tag,
        cudaVisibleDevices: process.env['CUDA_VISIBLE_DEVICES'] ?? null,
        gpuIds: ctx.gpuIds,
      }),
      sleep: (ms: unknown) =>
        new Promise<number>((resolve, reject) => {
          const t = setTimeout(() => resolve(Number(ms)), Number(ms));
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new Error('stopped'));
          });
        }),
      fail: (msg: unknown): never => {
        throw new InvalidArgumentError(String(msg));
      },
      /** A Float32Array of n elements, element i = i. */
      bytes: (n: unknown) => Float32Array.from({ length: Number(n) }, (_, i) => i),
      /** Sum of a Float32Array's elements (big arguments). */
      sum: (x: unknown) => {
        if (!(x instanceof Float32Array)) throw new InvalidArgumentError('sum expects a Float32Array');
        let s = 0;
        for (const v of x) s += v;
        return s;
      },
      exit: (code: unknown) => {
        setTimeout(() => process.exit(Number(code)), 100);
        return true;
      },
    };
  },
});
