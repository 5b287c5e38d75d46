import { defineActor } from './actor-class.js';

/** A counter: `add(n)` returns the new value and logs the order calls arrived in. */
export const CounterActor = defineActor({
  name: 'counter',
  methods: ['add', 'get', 'order'],
  create: (args) => {
    let value = typeof args === 'number' ? args : 0;
    const seen: number[] = [];
    return {
      add: async (n: unknown) => {
        seen.push(Number(n));
        // Yield so that concurrent calls would interleave if the actor did not serialize them.
        await new Promise((r) => setImmediate(r));
        value += Number(n);
        return value;
      },
      get: () => value,
      order: () => seen,
    };
  },
});
