import type { Command } from 'commander';
import { Head, DEFAULT_HEAD_PORT, defaultStateDir, prometheusConfig } from '../head/index.js';
import { isLoopback } from '../core/index.js';
import path from 'node:path';
import { intOption, tlsOf, withClusterFlags, type ClusterFlags } from './cluster-flags.js';
import { TWIST_CLI } from './spawn-twist.js';

interface HeadFlags extends ClusterFlags {
  host: string;
  port: number;
  stateDir?: string;
  healthInitialDelayMs?: number;
  healthPeriodMs?: number;
  healthTimeoutMs?: number;
  healthFailureThreshold?: number;
  jobHeartbeatTimeoutMs?: number;
  dashboardPort: number;
  dashboardHost: string;
  printPrometheusConfig?: boolean;
  prometheusUrl?: string;
}

/** `twist head`: runs the head until SIGINT/SIGTERM (state flushed) or `twist stop`. */
export function addHeadCommand(program: Command): void {
  withClusterFlags(
    program
      .command('head')
      .description('start the head: cluster state, scheduler, health checks')
      .option('--host <host>', 'address to listen on and advertise', '127.0.0.1')
      .option('--port <n>', `port (0: any free port)`, intOption('--port'), DEFAULT_HEAD_PORT)
      .option(
        '--state-dir <dir>',
        'where the head keeps its SQLite state and token (default $TWIST_HOME or ~/.twist)',
      )
      .option(
        '--health-initial-delay-ms <n>',
        'first health check after registration',
        intOption('--health-initial-delay-ms'),
      )
      .option('--health-period-ms <n>', 'time between health checks', intOption('--health-period-ms', 10))
      .option('--health-timeout-ms <n>', 'deadline of one health check', intOption('--health-timeout-ms', 10))
      .option(
        '--health-failure-threshold <n>',
        'failures in a row that make a node dead',
        intOption('--health-failure-threshold', 1),
      )
      .option(
        '--job-heartbeat-timeout-ms <n>',
        'a silent driver job fails after this',
        intOption('--job-heartbeat-timeout-ms', 100),
      )
      .option(
        '--dashboard-port <n>',
        'port of the dashboard, /metrics and /sd/targets (0: any)',
        intOption('--dashboard-port'),
        8265,
      )
      .option(
        '--dashboard-host <host>',
        'address of the dashboard (beyond loopback the token is required)',
        '127.0.0.1',
      )
      .option('--print-prometheus-config', 'print a prometheus.yml that scrapes this cluster, and exit')
      .option(
        '--prometheus-url <url>',
        "read the dashboard's charts from this Prometheus (e.g. http://127.0.0.1:9090)",
      ),
  ).action(async (f: HeadFlags) => {
    if (f.printPrometheusConfig) {
      const stateDir = f.stateDir ?? defaultStateDir();
      const tokenFile = f.tokenFile ?? path.join(stateDir, 'token');
      const host = f.dashboardHost === '0.0.0.0' ? '127.0.0.1' : f.dashboardHost;
      process.stdout.write(
        prometheusConfig(`${host}:${f.dashboardPort}`, isLoopback(f.dashboardHost) ? undefined : tokenFile),
      );
      return;
    }
    const health = Object.fromEntries(
      Object.entries({
        initialDelayMs: f.healthInitialDelayMs,
        periodMs: f.healthPeriodMs,
        timeoutMs: f.healthTimeoutMs,
        failureThreshold: f.healthFailureThreshold,
      }).filter(([, v]) => v !== undefined),
    );
    const head = await Head.start({
      host: f.host,
      port: f.port,
      ...(f.stateDir ? { stateDir: f.stateDir } : {}),
      ...(f.tokenFile ? { tokenFile: f.tokenFile } : {}),
      tls: tlsOf(f),
      health,
      ...(f.jobHeartbeatTimeoutMs ? { jobHeartbeatTimeoutMs: f.jobHeartbeatTimeoutMs } : {}),
      dashboardPort: f.dashboardPort,
      dashboardHost: f.dashboardHost,
      ...(f.prometheusUrl ? { prometheusUrl: f.prometheusUrl } : {}),
      // Submitted jobs' drivers run this very `twist`.
      driverCommand: [process.execPath, TWIST_CLI],
    });
    process.stdout.write(
      `${JSON.stringify({
        event: 'head_started',
        address: head.address,
        dashboard: `http://${head.dashboardAddress}`,
        tokenFile: head.tokenFile,
        stateDir: head.config.stateDir,
        fileSd: head.fileSdPath,
      })}\n`,
    );
    process.stderr.write(
      `head listening on ${head.address}, dashboard and metrics on http://${head.dashboardAddress}\n  attach a worker:  twist worker --head ${head.address} --token-file ${head.tokenFile}\n  see the cluster:  twist status --head ${head.address}\n`,
    );
    const onSignal = (): void => void head.close();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await head.done;
  });
}
