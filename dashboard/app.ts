/**
 * The dashboard's page script (runs in the browser; no framework): polls the head's /api/status and
 * /api/series every 2 s and renders the cluster, actors, jobs and charts pages. Charts use uPlot,
 * served by the head from the package (no CDN).
 */
import type uPlotType from 'uplot';
import type { wire } from '../proto/index.js';

declare const uPlot: typeof uPlotType;

/** What /api/status serves: the GetClusterStatus reply of the wire contract. */
type Status = wire.GetClusterStatusReply__Output;
type Series = Record<string, [number[], number[]]>;

const POLL_MS = 2000;

/** The charts: a title, the series drawn (head history names) and a unit. */
const CHARTS: { id: string; title: string; series: string[]; unit: string }[] = [
  {
    id: 'actors',
    title: 'Actors',
    series: ['actors_alive', 'actors_pending', 'actors_restarting'],
    unit: 'actors',
  },
  { id: 'nodes', title: 'Nodes alive', series: ['nodes_alive'], unit: 'nodes' },
  { id: 'rpc', title: 'Cluster RPCs per second', series: ['rpc_per_s'], unit: '1/s' },
  { id: 'lag', title: 'Head event-loop delay p99', series: ['head_event_loop_lag_ms'], unit: 'ms' },
  {
    id: 'loss',
    title: 'TWIST loss and terms',
    series: ['train_loss', 'train_kl', 'train_eh', 'train_he'],
    unit: '',
  },
  { id: 'lr', title: 'Learning rate', series: ['train_lr'], unit: '' },
  { id: 'throughput', title: 'Images per second', series: ['train_images_per_s'], unit: 'img/s' },
  {
    id: 'split',
    title: 'Step time split',
    series: ['train_compute_s', 'train_allreduce_s', 'train_data_wait_s'],
    unit: 's',
  },
  { id: 'eval', title: 'Evaluator', series: ['eval_knn', 'eval_nmi', 'eval_acc'], unit: '' },
];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector(sel)!;

function el(tag: string, text: string | number, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells: (string | number | HTMLElement)[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    if (c instanceof HTMLElement) td.append(c);
    else td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

const fill = (sel: string, rows: HTMLTableRowElement[]): void =>
  $<HTMLTableSectionElement>(`${sel} tbody`).replaceChildren(...rows);
const ago = (ms: number): string => (ms ? `${Math.max(0, (Date.now() - ms) / 1000).toFixed(1)} s ago` : '–');
const used = (n: Status['nodes'][number], k: string): string =>
  n.total[k] === undefined
    ? '–'
    : `${+((n.total[k] ?? 0) - (n.available[k] ?? 0)).toFixed(2)} / ${n.total[k]}`;
const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;

function renderStatus(s: Status): void {
  const alive = s.nodes.filter((n) => n.state === 'ALIVE').length;
  const byState = (st: string): number => s.actors.filter((a) => a.state === st).length;
  $('#summary').replaceChildren(
    ...[
      ['Nodes alive', alive],
      ['Nodes dead', s.nodes.length - alive],
      ['Actors alive', byState('ALIVE')],
      ['Restarting', byState('RESTARTING')],
      ['Pending demand', s.pending.length],
      ['Refused (token)', s.unauthenticatedTotal],
    ].map(([k, v]) => {
      const c = el('div', '', 'card');
      c.append(el('b', v!), el('span', k!));
      return c;
    }),
  );
  fill(
    '#nodes',
    s.nodes.map((n) => {
      const gpu = el('span', used(n, 'GPU'));
      if (n.gpus.some((g) => g.declared)) gpu.append(el('span', ' declared, not detected', 'tag'));
      const mem =
        n.total['memory'] !== undefined
          ? `${gib((n.total['memory'] ?? 0) - (n.available['memory'] ?? 0))} / ${gib(n.total['memory'] ?? 0)}`
          : '–';
      return row([
        n.nodeId,
        n.address,
        el('span', n.state, n.state),
        used(n, 'CPU'),
        gpu,
        mem,
        Object.entries(n.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        n.state === 'ALIVE' ? `seen ${ago(n.lastSeenMs)}` : n.deathCause,
      ]);
    }),
  );
  $('#pending').replaceChildren(
    ...(s.pending.length
      ? s.pending.map((p) =>
          el(
            'li',
            `${p.kind} ${p.id} (${p.strategy}) waits for ${p.bundles.map((b) => JSON.stringify(b.resources)).join(' ')} since ${ago(p.sinceMs)}`,
          ),
        )
      : [el('li', 'none')]),
  );
  fill(
    '#actors',
    s.actors.map((a) => {
      const cause = el('span', a.deathCause);
      const tr = row([
        a.actorId,
        a.name ? `${a.className} (${a.name})` : a.className,
        el('span', a.state, a.state),
        a.nodeId || '–',
        a.pid || '–',
        `${a.restarts} / ${a.maxRestarts}`,
        a.gpuIds.join(',') || '–',
        cause,
      ]);
      tr.lastElementChild!.className = 'cause';
      return tr;
    }),
  );
  fill(
    '#groups',
    s.placementGroups.map((g) =>
      row([
        g.placementGroupId,
        g.strategy,
        el('span', g.state, g.state),
        g.bundleNodes.map((b) => b || '–').join(', '),
      ]),
    ),
  );
  fill(
    '#jobs',
    s.jobs.map((j) =>
      row([
        j.jobId,
        j.name,
        el('span', j.state, j.state),
        new Date(j.startMs).toLocaleString(),
        j.endMs ? new Date(j.endMs).toLocaleString() : '–',
        s.actors.filter((a) => a.jobId === j.jobId && a.state === 'ALIVE').length,
        ...jobProgress(j.progress, j.state),
      ]),
    ),
  );
}

/** Progress, epoch, ETA, failures and the last recovery of a job that reports a run. */
function jobProgress(p: Record<string, number>, state: string): string[] {
  const total = p['run_total_steps'];
  if (!total) return ['–', '–', '–', '–', '–'];
  const step = p['run_step'] ?? 0;
  const rate = p['run_steps_per_s'] ?? 0;
  const eta = state === 'RUNNING' && rate > 0 && step < total ? `${Math.ceil((total - step) / rate)} s` : '–';
  const rec =
    p['recovery_reschedule_s'] !== undefined
      ? `reschedule ${p['recovery_reschedule_s'].toFixed(1)} s, load ${(p['recovery_restore_s'] ?? 0).toFixed(1)} s, ring ${(p['recovery_ring_s'] ?? 0).toFixed(2)} s`
      : '–';
  return [
    `${step} / ${total} (${((100 * step) / total).toFixed(0)} %)`,
    String((p['run_epoch'] ?? 0) + 1),
    eta,
    String(p['run_failures'] ?? 0),
    rec,
  ];
}

const charts = new Map<string, { plot: uPlotType; box: HTMLElement; names: string[] }>();

function renderCharts(series: Series): void {
  for (const c of CHARTS) {
    const names = c.series.filter((n) => series[n] && series[n][0].length > 0);
    if (names.length === 0) continue;
    // One time axis: the first series'; the others are aligned to it by index (same sampling).
    const xs = series[names[0]!]![0];
    const data = [xs, ...names.map((n) => series[n]![1].slice(-xs.length))] as uPlotType.AlignedData;
    let chart = charts.get(c.id);
    if (!chart || chart.names.join() !== names.join()) {
      chart?.plot.destroy();
      chart?.box.remove();
      const box = el('figure', '', 'chart');
      box.id = `chart-${c.id}`;
      box.setAttribute('role', 'img');
      box.setAttribute('aria-label', c.title);
      box.append(el('h3', c.unit ? `${c.title} (${c.unit})` : c.title));
      $('#charts').append(box);
      const plot = new uPlot(
        {
          width: Math.max(240, box.clientWidth - 16),
          height: 200,
          series: [
            {},
            ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length]!, width: 1.5 })),
          ],
          axes: [
            {},
            { size: 60, values: (_u, vals) => vals.map((v) => (v === 0 ? '0' : String(+v.toPrecision(3)))) },
          ],
        },
        data,
        box,
      );
      chart = { plot, box, names };
      charts.set(c.id, chart);
    } else chart.plot.setData(data);
    chart.box.dataset['points'] = String(xs.length);
  }
  fitCharts();
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

async function refresh(): Promise<void> {
  try {
    const [status, series] = await Promise.all([
      getJson<Status>('/api/status'),
      getJson<Series>('/api/series'),
    ]);
    renderStatus(status);
    renderCharts(series);
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    $('#updated').textContent = `cannot reach the head: ${(err as Error).message}`;
  }
}

function show(page: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav button'))
    b.setAttribute('aria-pressed', String(b.dataset['page'] === page));
  for (const s of document.querySelectorAll<HTMLElement>('main section')) s.hidden = s.id !== `page-${page}`;
  history.replaceState(null, '', `#${page}`);
}

for (const b of document.querySelectorAll<HTMLButtonElement>('nav button'))
  b.addEventListener('click', () => {
    show(b.dataset['page']!);
    fitCharts();
  });
window.addEventListener('resize', fitCharts);

/** Sizes every chart to its box (boxes follow the grid). */
function fitCharts(): void {
  for (const c of charts.values()) {
    const width = Math.max(240, c.box.clientWidth - 16);
    if (Math.abs(c.plot.width - width) > 2) c.plot.setSize({ width, height: 200 });
  }
}
show(location.hash.slice(1) || 'cluster');
void refresh();
setInterval(() => void refresh(), POLL_MS);
