import type { Resources } from '../core/index.js';

/** States as the wire and `twist status` spell them. */
export const NodeState = { ALIVE: 'ALIVE', DEAD: 'DEAD' } as const;
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

export const ActorState = {
  PENDING: 'PENDING',
  ALIVE: 'ALIVE',
  RESTARTING: 'RESTARTING',
  DEAD: 'DEAD',
} as const;
export type ActorState = (typeof ActorState)[keyof typeof ActorState];

export const JobState = {
  RUNNING: 'RUNNING',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  STOPPED: 'STOPPED',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export const PlacementGroupState = { PENDING: 'PENDING', CREATED: 'CREATED', REMOVED: 'REMOVED' } as const;
export type PlacementGroupState = (typeof PlacementGroupState)[keyof typeof PlacementGroupState];

/** Actor placement policies (Ray's DEFAULT is PACK here). */
export const SchedulingStrategy = { PACK: 'PACK', SPREAD: 'SPREAD' } as const;
export type SchedulingStrategy = (typeof SchedulingStrategy)[keyof typeof SchedulingStrategy];

/** Placement-group strategies, as Ray defines them. */
export const PlacementStrategy = {
  PACK: 'PACK',
  STRICT_PACK: 'STRICT_PACK',
  SPREAD: 'SPREAD',
  STRICT_SPREAD: 'STRICT_SPREAD',
} as const;
export type PlacementStrategy = (typeof PlacementStrategy)[keyof typeof PlacementStrategy];

export interface GpuRecord {
  index: number;
  name: string;
  memoryBytes: number;
  declared: boolean;
}

export interface NodeRecord {
  id: string;
  address: string;
  hostname: string;
  state: NodeState;
  total: Resources;
  labels: Record<string, string>;
  gpus: GpuRecord[];
  deathCause: string;
  registeredMs: number;
  /** host:port of its HTTP /metrics ('' when it serves none). */
  metricsAddress?: string;
}

export interface ActorRecord {
  id: string;
  className: string;
  jobId: string;
  name: string;
  /** Constructor argument bytes (base64 in the state file). */
  args: Buffer;
  resources: Resources;
  strategy: SchedulingStrategy;
  labelSelector: Record<string, string>;
  maxRestarts: number;
  restarts: number;
  placementGroupId: string;
  bundleIndex: number;
  detached: boolean;
  state: ActorState;
  /** The node it runs on, or is being started on ('' while it waits for resources). */
  nodeId: string;
  pid: number;
  address: string;
  gpuIds: number[];
  deathCause: string;
  incarnation: number;
  createdMs: number;
  /** When it started waiting for resources (0 when placed). */
  pendingSinceMs: number;
  /** Its last start on a worker: process start and constructor (ms). */
  processStartMs?: number;
  constructorMs?: number;
  /** host:port of its process's HTTP /metrics. */
  metricsAddress?: string;
}

/** A job submitted to the head (`twist train --head`): the head runs and supervises its driver. */
export interface JobSubmission {
  /** The flags of `twist train` the driver runs with. */
  trainArgs: string[];
  /** The driver's stdout and stderr, appended across its starts. */
  logPath: string;
  /** The driver process (0 before it starts). */
  driverPid: number;
  /** How often a driver was started for this job. */
  driverStarts: number;
}

export interface JobRecord {
  id: string;
  name: string;
  state: JobState;
  startMs: number;
  endMs: number;
  /** Why it failed or stopped. */
  message?: string;
  submission?: JobSubmission;
}

export interface PlacementGroupRecord {
  id: string;
  jobId: string;
  name: string;
  strategy: PlacementStrategy;
  bundles: Resources[];
  state: PlacementGroupState;
  /** The node of each bundle ('' while unplaced). */
  bundleNodes: string[];
  createdMs: number;
  pendingSinceMs: number;
}
