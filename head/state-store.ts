import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { IoError } from '../core/index.js';
import type { ActorRecord, JobRecord, NodeRecord, PlacementGroupRecord } from './records.js';

const TABLES = ['nodes', 'actors', 'jobs', 'placement_groups'] as const;
type Table = (typeof TABLES)[number];

/** Everything the head keeps across restarts. */
export interface PersistedState {
  nodes: NodeRecord[];
  actors: ActorRecord[];
  jobs: JobRecord[];
  placementGroups: PlacementGroupRecord[];
}

const encode = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x &&
    typeof x === 'object' &&
    (x as { type?: string }).type === 'Buffer' &&
    Array.isArray((x as { data?: unknown }).data)
      ? { $b64: Buffer.from((x as { data: number[] }).data).toString('base64') }
      : x,
  );
const decode = <T>(s: string): T =>
  JSON.parse(s, (_k, x: unknown) =>
    x && typeof x === 'object' && typeof (x as { $b64?: unknown }).$b64 === 'string'
      ? Buffer.from((x as { $b64: string }).$b64, 'base64')
      : x,
  ) as T;

/**
 * The head's tables in an embedded SQLite file (`<state-dir>/head.sqlite`, WAL journal): every
 * change is written through synchronously before the RPC that made it answers, so a head killed
 * with SIGKILL reloads what it had acknowledged. Liveness data (last heartbeat) stays in memory.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly put: Record<Table, Database.Statement>;
  private readonly del: Record<Table, Database.Statement>;

  /** @throws IoError naming the file when it cannot be opened or is not a state file. */
  constructor(stateDir: string) {
    const file = path.join(stateDir, 'head.sqlite');
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      for (const t of TABLES)
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    } catch (err) {
      throw new IoError(`head state ${file}: ${(err as Error).message}`, { cause: err });
    }
    const mk = (sql: (t: Table) => string): Record<Table, Database.Statement> =>
      Object.fromEntries(TABLES.map((t) => [t, this.db.prepare(sql(t))])) as Record<
        Table,
        Database.Statement
      >;
    this.put = mk((t) => `INSERT OR REPLACE INTO ${t} (id, doc) VALUES (?, ?)`);
    this.del = mk((t) => `DELETE FROM ${t} WHERE id = ?`);
  }

  /** Reads every table. @throws IoError when a row does not parse. */
  load(): PersistedState {
    const all = <T>(t: Table): T[] =>
      (this.db.prepare(`SELECT id, doc FROM ${t}`).all() as { id: string; doc: string }[]).map((r) => {
        try {
          return decode<T>(r.doc);
        } catch (err) {
          throw new IoError(`head state: table ${t}, row ${r.id} does not parse`, { cause: err });
        }
      });
    return {
      nodes: all('nodes'),
      actors: all('actors'),
      jobs: all('jobs'),
      placementGroups: all('placement_groups'),
    };
  }

  saveNode(n: NodeRecord): void {
    this.put.nodes.run(n.id, encode(n));
  }
  saveActor(a: ActorRecord): void {
    this.put.actors.run(a.id, encode(a));
  }
  saveJob(j: JobRecord): void {
    this.put.jobs.run(j.id, encode(j));
  }
  savePlacementGroup(p: PlacementGroupRecord): void {
    this.put.placement_groups.run(p.id, encode(p));
  }
  deleteActor(id: string): void {
    this.del.actors.run(id);
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Several writes as one transaction (all or none on disk). */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
