/** The dashboard's series as PromQL, for a head that reads its charts from Prometheus. */
export const PROMQL_SERIES: Record<string, string> = {
  nodes_alive: 'sum(twist_head_nodes{state="ALIVE"})',
  actors_alive: 'sum(twist_head_actors{state="ALIVE"})',
  actors_pending: 'sum(twist_head_actors{state="PENDING"})',
  actors_restarting: 'sum(twist_head_actors{state="RESTARTING"})',
  rpc_per_s: 'sum(rate(twist_rpc_server_requests_total[30s]))',
  head_event_loop_lag_ms: '1000 * max(twist_nodejs_eventloop_lag_p99_seconds{role="head"})',
  train_loss: 'avg(twist_trainer_loss{term="loss"})',
  train_kl: 'avg(twist_trainer_loss{term="kl"})',
  train_eh: 'avg(twist_trainer_loss{term="eh"})',
  train_he: 'avg(twist_trainer_loss{term="he"})',
  train_lr: 'avg(twist_trainer_lr)',
  train_images_per_s: 'avg(twist_trainer_images_per_second)',
  train_compute_s:
    'sum(rate(twist_trainer_phase_seconds_total{phase="compute"}[30s])) / sum(rate(twist_trainer_steps_total[30s]))',
  train_allreduce_s:
    'sum(rate(twist_trainer_phase_seconds_total{phase="allreduce"}[30s])) / sum(rate(twist_trainer_steps_total[30s]))',
  train_data_wait_s:
    'sum(rate(twist_trainer_phase_seconds_total{phase="data_wait"}[30s])) / sum(rate(twist_trainer_steps_total[30s]))',
  eval_knn: 'max(twist_evaluator_metric{metric="knn"})',
  eval_nmi: 'max(twist_evaluator_metric{metric="nmi"})',
  eval_acc: 'max(twist_evaluator_metric{metric="acc"})',
};

/**
 * Reads every dashboard series from Prometheus's HTTP API (`query_range` over the last `windowS`
 * seconds, a point every `stepS`): the same shape as the head's own history.
 * @throws Error naming the query when Prometheus cannot be reached or refuses one.
 */
export async function seriesFromPrometheus(
  baseUrl: string,
  windowS = 3600,
  stepS = 5,
  timeoutMs = 5000,
): Promise<Record<string, [number[], number[]]>> {
  const end = Date.now() / 1000;
  const out: Record<string, [number[], number[]]> = {};
  await Promise.all(
    Object.entries(PROMQL_SERIES).map(async ([name, q]) => {
      const url = `${baseUrl.replace(/\/$/, '')}/api/v1/query_range?query=${encodeURIComponent(q)}&start=${end - windowS}&end=${end}&step=${stepS}`;
      const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!r.ok) throw new Error(`Prometheus ${baseUrl}: ${name} (${q}): HTTP ${r.status}`);
      const body = (await r.json()) as { data?: { result?: { values: [number, string][] }[] } };
      const values = body.data?.result?.[0]?.values ?? [];
      const pts = values.filter(([, v]) => Number.isFinite(Number(v)));
      if (pts.length) out[name] = [pts.map(([t]) => t), pts.map(([, v]) => Number(v))];
    }),
  );
  return out;
}
