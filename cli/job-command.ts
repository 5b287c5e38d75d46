import type { Command } from 'commander';
import type { ClusterClient } from '../client/index.js';
import { UnavailableError } from '../core/index.js';
import { headOption, withClusterFlags, type ClusterFlags } from './cluster-flags.js';
import { withClient } from './status-command.js';

type JobFlags = ClusterFlags & { head: string; json?: boolean; follow?: boolean };

/**
 * Writes a submitted job's driver log through `write` from its start: what there is now, or with
 * `follow` (the default) until the job has ended and its log is read to the end, polling every
 * `pollMs` (500 ms) and riding out a head that is away (restarting) for up to `headAwayMs` (2 min).
 * @returns the job's state when done.
 * @throws UnavailableError when the head stays away longer; NotFoundError for an unknown job.
 */
export async function followJobLog(
  client: ClusterClient,
  jobId: string,
  write: (b: Buffer) => void,
  { follow = true, pollMs = 500, headAwayMs = 120_000 } = {},
): Promise<string> {
  let offset = 0;
  let awaySince = 0;
  for (;;) {
    let r;
    try {
      r = await client.jobLogs(jobId, offset);
      awaySince = 0;
    } catch (err) {
      if (!(err instanceof UnavailableError)) throw err;
      awaySince ||= Date.now();
      if (Date.now() - awaySince > headAwayMs) throw err;
      await new Promise((res) => setTimeout(res, pollMs));
      continue;
    }
    if (r.data.length) write(r.data);
    offset = r.nextOffset;
    if (r.done || (!follow && !r.data.length)) return (await client.jobStatus(jobId)).job!.state;
    if (!r.data.length) await new Promise((res) => setTimeout(res, pollMs));
  }
}

/** The human form of `twist job status`. */
export function formatJob(r: Awaited<ReturnType<ClusterClient['jobStatus']>>): string {
  const j = r.job!;
  const p = j.progress;
  const lines = [`job ${j.jobId}  ${j.name}  ${j.state}${j.message ? `  (${j.message})` : ''}`];
  const ran = ((j.endMs || Date.now()) - j.startMs) / 1000;
  lines.push(
    `  started ${new Date(j.startMs).toISOString()}, ${j.endMs ? 'ran' : 'running for'} ${ran.toFixed(0)} s`,
  );
  if (p['run_total_steps'])
    lines.push(
      `  step ${p['run_step'] ?? 0}/${p['run_total_steps']}  epoch ${p['run_epoch'] ?? 0}  failures ${p['run_failures'] ?? 0}${p['run_trainers'] ? `  trainers ${p['run_trainers']}` : ''}${p['run_images_per_s'] ? `  ${p['run_images_per_s'].toFixed(1)} img/s` : ''}`,
    );
  if (p['eval_knn'] !== undefined)
    lines.push(`  kNN ${p['eval_knn'].toFixed(4)}  NMI ${(p['eval_nmi'] ?? 0).toFixed(4)}`);
  if (j.submitted)
    lines.push(
      `  driver pid ${r.driverPid} (started ${r.driverStarts}×), log ${r.logPath}`,
      `  flags ${r.trainArgs.join(' ')}`,
    );
  return `${lines.join('\n')}\n`;
}

/** `twist job status|logs|stop ID`: the jobs the head runs (`twist train --head` submits them). */
export function addJobCommand(program: Command): void {
  const job = program.command('job').description('status, logs and stop of submitted jobs');
  withClusterFlags(
    job
      .command('status')
      .description("a job's state, progress and driver")
      .argument('<id>')
      .addOption(headOption())
      .option('--json', 'print one JSON object'),
  ).action(async (id: string, f: JobFlags) => {
    const r = await withClient(f, (c) => c.jobStatus(id));
    process.stdout.write(f.json ? `${JSON.stringify(r)}\n` : formatJob(r));
  });
  withClusterFlags(
    job
      .command('logs')
      .description("a submitted job's driver log")
      .argument('<id>')
      .addOption(headOption())
      .option('-f, --follow', 'keep printing until the job ends'),
  ).action(async (id: string, f: JobFlags) => {
    await withClient(f, (c) =>
      followJobLog(c, id, (b) => process.stdout.write(b), { follow: Boolean(f.follow) }),
    );
  });
  withClusterFlags(
    job
      .command('stop')
      .description('stop a job: its actors are killed, its driver too')
      .argument('<id>')
      .addOption(headOption()),
  ).action(async (id: string, f: JobFlags) => {
    const state = await withClient(f, (c) => c.stopJob(id));
    process.stdout.write(`job ${id}: ${state}\n`);
  });
  withClusterFlags(
    job
      .command('list')
      .description('every job the head knows')
      .addOption(headOption())
      .option('--json', 'print JSON'),
  ).action(async (f: JobFlags) => {
    const s = await withClient(f, (c) => c.status());
    if (f.json) process.stdout.write(`${JSON.stringify(s.jobs)}\n`);
    else
      for (const j of s.jobs)
        process.stdout.write(
          `${j.id}  ${j.state.padEnd(8)}  ${j.submitted ? 'submitted' : 'driver   '}  ${j.name}${j.message ? `  (${j.message})` : ''}\n`,
        );
  });
}
