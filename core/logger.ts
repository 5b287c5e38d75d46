import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process logger: structured JSON lines on stderr (stdout stays free for a command's
 * own output), level from `TWIST_LOG_LEVEL` (default `info`).
 * @param bindings fields every line carries, e.g. `{ component: 'trainer', node_id }`.
 */
export function createLogger(bindings: Record<string, string | number> = {}): Logger {
  return pino(
    { level: process.env['TWIST_LOG_LEVEL'] ?? 'info', base: { pid: process.pid, ...bindings } },
    pino.destination(2),
  );
}
