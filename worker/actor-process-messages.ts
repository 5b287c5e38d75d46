import type { TlsFiles } from '../core/index.js';

/** The worker tells a new actor process what to be (over the IPC channel, structured clone). */
export interface StartMessage {
  type: 'start';
  actorId: string;
  nodeId: string;
  className: string;
  args: Uint8Array;
  incarnation: number;
  gpuIds: number[];
  host: string;
  /** The head's address (actors that call other actors connect to it). */
  head: string;
  token: string;
  tls: TlsFiles;
  /** The actor's tmpfs scratch directory ('' when the worker gives none). */
  scratchDir: string;
}

/** The worker asks the actor process to stop (its `close` runs, then it exits 0). */
export interface StopMessage {
  type: 'stop';
  reason: string;
}

/** The actor process answers once: its Actor service listens, or its constructor failed. */
export type ReadyMessage =
  | { type: 'booted' }
  | { type: 'ready'; address: string; metricsAddress: string }
  | { type: 'failed'; error: { name: string; code: string; message: string; stack: string } };
