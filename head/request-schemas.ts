import { z } from 'zod';
import { ResourcesSchema } from '../core/index.js';
import { PlacementStrategy, SchedulingStrategy } from './records.js';

/** Limits on what one request may carry. */
export const LIMITS = {
  argsBytes: 4 << 20,
  labels: 64,
  labelValue: 256,
  name: 128,
  address: 256,
  gpus: 256,
  hostedActors: 10_000,
  bundles: 256,
  reason: 4096,
  waitMs: 10 * 60_000,
  maxRestarts: 1000,
} as const;

const id = (prefix: string): z.ZodString =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{16}$`), `not a ${prefix} id (${prefix}-<16 hex digits>)`);
const optionalId = (prefix: string): z.ZodType<string> => z.union([z.literal(''), id(prefix)]);

export const NodeIdSchema = id('node');
export const ActorIdSchema = id('actor');
export const JobIdSchema = id('job');
export const GroupIdSchema = id('pg');

const text = (max: number): z.ZodString => z.string().max(max, `longer than ${max} characters`);

/** host:port, a DNS name / IPv4 / bracketed IPv6 and a port. */
export const AddressSchema = text(LIMITS.address).regex(
  /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
  'not host:port',
);

const LabelsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/, 'not a label key'), text(LIMITS.labelValue))
  .refine((r) => Object.keys(r).length <= LIMITS.labels, `more than ${LIMITS.labels} labels`);

const uint = (max: number): z.ZodNumber => z.number().int().min(0).max(max);

export const GpuInfoSchema = z.object({
  index: uint(1023),
  name: text(LIMITS.name),
  memoryBytes: z.number().finite().nonnegative(),
  declared: z.boolean(),
});

export const RegisterNodeSchema = z.object({
  nodeId: optionalId('node'),
  address: AddressSchema,
  metricsAddress: z.union([z.literal(''), AddressSchema]),
  hostname: text(LIMITS.name),
  resources: ResourcesSchema,
  labels: LabelsSchema,
  gpus: z
    .array(GpuInfoSchema)
    .max(LIMITS.gpus)
    .refine((g) => new Set(g.map((x) => x.index)).size === g.length, 'GPU indices repeat'),
  actors: z
    .array(
      z.object({
        actorId: ActorIdSchema,
        pid: uint(2 ** 31),
        address: z.union([z.literal(''), AddressSchema]),
        metricsAddress: z.union([z.literal(''), AddressSchema]),
      }),
    )
    .max(LIMITS.hostedActors),
});

export const HeartbeatSchema = z.object({ nodeId: NodeIdSchema });

export const ReportActorExitSchema = z.object({
  nodeId: NodeIdSchema,
  actorId: ActorIdSchema,
  exitCode: z.number().int(),
  signal: text(32),
  reason: text(LIMITS.reason),
  incarnation: uint(2 ** 31),
});

export const RegisterJobSchema = z.object({ name: text(LIMITS.name), attachJobId: optionalId('job') });
export const JobRefSchema = z.object({ jobId: JobIdSchema });
export const FinishJobSchema = z.object({
  jobId: JobIdSchema,
  failed: z.boolean(),
  message: text(LIMITS.reason),
});

/** Flags of `twist train` a submitted job may not set: the head sets them for its driver. */
export const HEAD_SET_TRAIN_FLAGS = ['--head', '--job-id', '--local', '--token-file', '--detach'] as const;

export const SubmitJobSchema = z.object({
  name: text(LIMITS.name),
  trainArgs: z
    .array(z.string().max(4096, 'longer than 4096 characters'))
    .max(256, 'more than 256 arguments')
    .refine((a) => !a.some((x) => HEAD_SET_TRAIN_FLAGS.some((f) => x === f || x.startsWith(`${f}=`))), {
      message: `may not set ${HEAD_SET_TRAIN_FLAGS.join(', ')} (the head sets them for its driver)`,
    }),
});
export const GetJobLogsSchema = z.object({
  jobId: JobIdSchema,
  offset: z.number().int().min(0),
  maxBytes: uint(64 << 20),
});

export const CreateActorSchema = z.object({
  jobId: optionalId('job'),
  className: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'not an actor class name'),
  args: z.instanceof(Buffer).refine((b) => b.length <= LIMITS.argsBytes, {
    message: `larger than ${LIMITS.argsBytes} bytes (pass big data through a file or an actor call)`,
  }),
  resources: ResourcesSchema,
  strategy: z
    .union([
      z.literal(''),
      z.enum(Object.values(SchedulingStrategy) as [SchedulingStrategy, ...SchedulingStrategy[]]),
    ])
    .transform((s) => (s || 'PACK') as SchedulingStrategy),
  maxRestarts: uint(LIMITS.maxRestarts),
  placementGroupId: optionalId('pg'),
  bundleIndex: z.number().int().min(-1).max(LIMITS.bundles),
  labelSelector: LabelsSchema,
  name: text(LIMITS.name),
  detached: z.boolean(),
});

export const GetActorSchema = z.object({
  actorId: ActorIdSchema,
  waitReadyMs: uint(LIMITS.waitMs),
  afterIncarnation: z.number().int().min(-1),
});

export const KillActorSchema = z.object({ actorId: ActorIdSchema, allowRestart: z.boolean() });

export const CreateGroupSchema = z.object({
  jobId: optionalId('job'),
  bundles: z
    .array(z.object({ resources: ResourcesSchema }))
    .min(1, 'at least one bundle')
    .max(LIMITS.bundles),
  strategy: z
    .union([
      z.literal(''),
      z.enum(Object.values(PlacementStrategy) as [PlacementStrategy, ...PlacementStrategy[]]),
    ])
    .transform((s) => (s || 'PACK') as PlacementStrategy),
  name: text(LIMITS.name),
});

export const ReportRunMetricsSchema = z.object({
  jobId: optionalId('job'),
  timeMs: z.number().finite().nonnegative(),
  values: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'not a series name'), z.number())
    .refine((r) => Object.keys(r).length <= 64, 'more than 64 series'),
});

export const GetGroupSchema = z.object({ placementGroupId: GroupIdSchema, waitReadyMs: uint(LIMITS.waitMs) });
export const GroupRefSchema = z.object({ placementGroupId: GroupIdSchema });
