import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HttpEndpoint } from '../core/index.js';
import type { ClusterManager } from './cluster-manager.js';
import { statusReply } from './head-service.js';
import type { MetricsHistory } from './metrics-history.js';
import { seriesFromPrometheus } from './prometheus-series.js';

/** The dashboard's static files: HTML/CSS from the source tree, the compiled script, uPlot from its package. */
const SOURCE = (f: string): string => fileURLToPath(new URL(`../../dashboard/${f}`, import.meta.url));
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: SOURCE('index.html'), type: 'text/html; charset=utf-8' },
  '/assets/style.css': { file: SOURCE('style.css'), type: 'text/css' },
  '/assets/app.js': {
    file: fileURLToPath(new URL('../dashboard/app.js', import.meta.url)),
    type: 'text/javascript',
  },
  '/assets/uplot.js': {
    file: fileURLToPath(import.meta.resolve('uplot/dist/uPlot.iife.min.js')),
    type: 'text/javascript',
  },
  '/assets/uplot.css': {
    file: fileURLToPath(import.meta.resolve('uplot/dist/uPlot.min.css')),
    type: 'text/css',
  },
};

/**
 * Serves the dashboard on the head's HTTP endpoint: the page and its assets, `/api/status` (the
 * GetClusterStatus reply as JSON) and `/api/series` (the head's history; `?since=ms` for only the
 * newer points).
 */
export function addDashboardRoutes(
  http: HttpEndpoint,
  manager: ClusterManager,
  history: MetricsHistory,
  unauthenticatedTotal: () => number,
  prometheusUrl?: string,
): void {
  for (const [path, a] of Object.entries(ASSETS))
    http.route(path, async (_req, res) => {
      const body = await readFile(a.file);
      res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-cache' });
      res.end(body);
    });
  http.route('/api/status', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(statusReply(manager, unauthenticatedTotal())));
  });
  http.route('/api/series', async (_req, res, url) => {
    const since = Number(url.searchParams.get('since') ?? '-Infinity');
    let body = history.snapshot(Number.isNaN(since) ? -Infinity : since);
    let source = 'head';
    if (prometheusUrl)
      try {
        // Prometheus has the long history; the head's own points fill what it lacks.
        body = { ...body, ...(await seriesFromPrometheus(prometheusUrl)) };
        source = 'prometheus';
      } catch (err) {
        source = `head (prometheus failed: ${(err as Error).message.slice(0, 200)})`;
      }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-twist-series-source': source,
    });
    res.end(JSON.stringify(body));
  });
}
