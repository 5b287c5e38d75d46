import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, UnavailableError, type Logger } from '../core/index.js';
import type { ClusterManager } from './cluster-manager.js';
import type { JobRecord } from './records.js';

export interface JobSupervisorOptions {
  /**
   * The command that runs `twist` (the driver is `<command> train --head … --job-id ID <flags>`);
   * none: this head cannot run drivers (an embedded head), and submissions are refused.
   */
  driverCommand?: readonly string[];
  /** How the driver reaches this head (known once the head is bound). */
  headAddress: () => string;
  /** Handed to the driver in `TWIST_TOKEN` (never on its command line). */
  token: string;
  /** `<stateDir>/jobs`: one folder per submitted job with its driver's log. */
  jobsDir: string;
  /** Driver starts per job before a crashing driver fails the job (default 3). */
  maxDriverStarts?: number;
  /** How often an adopted driver (started by an earlier head) is checked (default 1 s). */
  pollMs?: number;
}

/** The most a log read returns (1 MiB). */
const MAX_LOG_READ = 1 << 20;

/**
 * Runs the drivers of submitted jobs (`twist train --head` without a driver of its own): each a
 * `twist train` process the head starts, attached to its job, with its output appended to
 * `<jobsDir>/<id>/driver.log`. A driver that exits without ending its job (killed, crashed) is
 * started again (it resumes from the run's last committed checkpoint) up to `maxDriverStarts`;
 * then the job fails with the log's last line. Drivers outlive the head: a restarted head adopts
 * the ones still running and starts again those that died with it, so a head restart resumes
 * its jobs from the state store.
 */
export class JobSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly poller: NodeJS.Timeout;
  private readonly stopping = new Set<string>();
  private closed = false;

  constructor(
    private readonly manager: ClusterManager,
    private readonly opts: JobSupervisorOptions,
    private readonly log: Logger,
  ) {
    this.poller = setInterval(() => this.checkAdopted(), opts.pollMs ?? 1000);
    this.poller.unref();
  }

  /** Adopts or restarts the drivers of the submitted jobs still RUNNING (after a head restart). */
  resume(): void {
    for (const j of this.manager.jobList())
      if (j.state === 'RUNNING' && j.submission && !this.driverAlive(j)) {
        this.log.info({ job_id: j.id, pid: j.submission.driverPid }, 'driver gone: starting it again');
        this.manager.releaseJob(j.id, 'its driver is started again');
        this.startDriver(j);
      } else if (j.state === 'RUNNING' && j.submission)
        this.log.info({ job_id: j.id, pid: j.submission.driverPid }, 'driver adopted');
  }

  /**
   * Submits a job: records it, starts its driver.
   * @throws UnavailableError when this head has no driver command; InvalidArgumentError for flags
   * the head sets itself (checked by the request schema too).
   */
  submit(name: string, trainArgs: readonly string[]): JobRecord {
    if (!this.opts.driverCommand?.length)
      throw new UnavailableError(
        'this head cannot run job drivers (it was embedded without a driver command; start it with `twist head`)',
      );
    const job = this.manager.registerJob(name, '', {
      trainArgs: [...trainArgs],
      logPath: '',
      driverPid: 0,
      driverStarts: 0,
    });
    this.manager.updateSubmission(job.id, { logPath: path.join(this.opts.jobsDir, job.id, 'driver.log') });
    this.startDriver(this.manager.job(job.id));
    return this.manager.job(job.id);
  }

  /**
   * Stops a job: it is STOPPED (its actors killed, its groups removed) and its driver is sent
   * SIGTERM, then SIGKILL after 5 s. A job that already ended keeps its state.
   * @returns the job's state after the stop.
   * @throws NotFoundError for an unknown job.
   */
  stop(id: string, why = 'stopped by twist job stop'): string {
    const j = this.manager.job(id);
    if (j.state !== 'RUNNING') return j.state;
    this.stopping.add(id);
    this.manager.finishJob(id, 'STOPPED', why);
    const pid = j.submission?.driverPid;
    if (pid && this.driverAlive(j)) {
      signal(pid, 'SIGTERM');
      setTimeout(() => {
        if (this.driverAlive(j)) signal(pid, 'SIGKILL');
      }, 5000).unref();
    }
    return 'STOPPED';
  }

  /** Stops every running submitted job (the cluster is shutting down). */
  stopAll(why: string): void {
    for (const j of this.manager.jobList()) if (j.state === 'RUNNING' && j.submission) this.stop(j.id, why);
  }

  /**
   * Reads a job's driver log from `offset` (at most `maxBytes`, default and cap 1 MiB).
   * @throws NotFoundError for an unknown job; InvalidArgumentError for a job that was not submitted.
   */
  logs(id: string, offset: number, maxBytes = 0): { data: Buffer; nextOffset: number; done: boolean } {
    const j = this.manager.job(id);
    if (!j.submission)
      throw new InvalidArgumentError(
        `job_id: job ${id} was not submitted to the head: it has no driver log here`,
      );
    const file = j.submission.logPath;
    const size = existsSync(file) ? statSync(file).size : 0;
    const want = Math.min(maxBytes > 0 ? maxBytes : MAX_LOG_READ, MAX_LOG_READ, Math.max(0, size - offset));
    const data = readRange(file, offset, want);
    const nextOffset = offset + want;
    return { data, nextOffset, done: j.state !== 'RUNNING' && nextOffset >= size };
  }

  /** Stops watching; the drivers go on (a restarted head adopts them). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const c of this.children.values()) c.removeAllListeners('exit');
    this.children.clear();
  }

  private startDriver(j: JobRecord): void {
    const sub = j.submission!;
    const starts = sub.driverStarts + 1;
    mkdirSync(path.dirname(sub.logPath), { recursive: true });
    const out = openSync(sub.logPath, 'a');
    const [cmd, ...pre] = this.opts.driverCommand!;
    let child: ChildProcess;
    try {
      child = spawn(
        cmd!,
        [...pre, 'train', '--head', this.opts.headAddress(), '--job-id', j.id, ...sub.trainArgs],
        {
          env: { ...process.env, TWIST_TOKEN: this.opts.token },
          stdio: ['ignore', out, out],
          detached: true,
        },
      );
    } finally {
      closeSync(out);
    }
    child.unref();
    this.children.set(j.id, child);
    this.manager.updateSubmission(j.id, { driverPid: child.pid ?? 0, driverStarts: starts });
    this.log.info({ job_id: j.id, pid: child.pid, start: starts }, 'job driver started');
    const ended = (code: number | null, how: string): void => {
      if (this.children.get(j.id) !== child) return;
      this.children.delete(j.id);
      this.driverEnded(j.id, code, how);
    };
    child.once('error', (err) => ended(null, err.message));
    child.once('exit', (code, sig) => ended(code, sig ? `killed by ${sig}` : `exit code ${code}`));
  }

  /** A driver ended: a job it left RUNNING gets another driver, or fails. */
  private driverEnded(id: string, code: number | null, how: string): void {
    if (this.closed) return;
    const j = this.manager.job(id);
    if (j.state !== 'RUNNING' || this.stopping.has(id)) return;
    const last = lastLine(j.submission!.logPath);
    if (code === 0) {
      this.manager.finishJob(id, 'FINISHED');
      return;
    }
    if (j.submission!.driverStarts >= (this.opts.maxDriverStarts ?? 3)) {
      this.manager.finishJob(
        id,
        'FAILED',
        `its driver ended (${how}) ${j.submission!.driverStarts} times${last ? `; last output: ${last}` : ''}`,
      );
      return;
    }
    this.log.warn({ job_id: id, how, last }, 'job driver ended early: starting it again');
    this.manager.releaseJob(id, 'its driver is started again');
    this.startDriver(j);
  }

  /** Drivers started by an earlier head have no child handle here: check them by pid. */
  private checkAdopted(): void {
    for (const j of this.manager.jobList())
      if (j.state === 'RUNNING' && j.submission && !this.children.has(j.id) && !this.driverAlive(j))
        this.driverEnded(j.id, null, 'its process is gone');
  }

  /** Whether the job's driver process runs (on Linux: that pid's command line names the job). */
  private driverAlive(j: JobRecord): boolean {
    const pid = j.submission?.driverPid;
    if (!pid) return false;
    const child = this.children.get(j.id);
    if (child) return child.exitCode === null && child.signalCode === null;
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(j.id);
    } catch {
      return process.platform !== 'linux';
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The last non-empty line of a file's final 4 KiB ('' when none). */
function lastLine(file: string): string {
  try {
    const size = statSync(file).size;
    const n = Math.min(size, 4096);
    const buf = Buffer.alloc(n);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, n, size - n);
    } finally {
      closeSync(fd);
    }
    const lines = buf
      .toString('utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return (lines[lines.length - 1] ?? '').slice(0, 1000);
  } catch {
    return '';
  }
}

/** `n` bytes of `file` from `offset` (an empty buffer for n = 0). */
function readRange(file: string, offset: number, n: number): Buffer {
  const buf = Buffer.alloc(n);
  if (n === 0) return buf;
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, n, offset);
  } finally {
    closeSync(fd);
  }
  return buf;
}
