// The guild Durable Object's SQLite schema, versioned: each migration runs once per object, in order, and
// the version it reached is kept beside the tables, so a constructor costs one read once migrated.

/** Every schema change is a new entry at the end; an entry is never edited once deployed. */
const MIGRATIONS = [
	// 1: the tables as they stood before the schema had a version (so IF NOT EXISTS), and the end of
	// `partials`, which spans replaced.
	`CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tat INTEGER NOT NULL);
	CREATE TABLE IF NOT EXISTS summaries (
		key TEXT PRIMARY KEY, message TEXT NOT NULL, bytes INTEGER NOT NULL,
		created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
	CREATE TABLE IF NOT EXISTS jobs (
		key TEXT PRIMARY KEY, interaction_id TEXT NOT NULL, expires_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0);
	CREATE TABLE IF NOT EXISTS done (interaction_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
	DROP TABLE IF EXISTS partials;
	CREATE TABLE IF NOT EXISTS spans (
		scope TEXT NOT NULL, first_id TEXT NOT NULL, last_id TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL,
		PRIMARY KEY (scope, first_id, last_id));
	CREATE TABLE IF NOT EXISTS results (interaction_id TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
	CREATE TABLE IF NOT EXISTS joiners (
		interaction_id TEXT PRIMARY KEY, key TEXT NOT NULL, application_id TEXT NOT NULL, token TEXT NOT NULL);
	CREATE INDEX IF NOT EXISTS joiners_by_key ON joiners (key);
	CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);`,
	// 2: a joiner belongs to the run it joined (a newer run of the same key is another flight), and is
	// answered as it asked (its own visibility) while its own token lives.
	`ALTER TABLE joiners ADD COLUMN run_id TEXT;
	ALTER TABLE joiners ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE joiners ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
	UPDATE joiners SET
		run_id = (SELECT interaction_id FROM jobs WHERE jobs.key = joiners.key),
		expires_at = COALESCE((SELECT expires_at FROM jobs WHERE jobs.key = joiners.key), 0);
	CREATE INDEX joiners_by_run ON joiners (key, run_id);`,
	// 3: where a joiner asked, for its buttons: "Post publicly" only under a summary of that channel.
	`ALTER TABLE joiners ADD COLUMN origin TEXT NOT NULL DEFAULT '';`,
	// 4: the cache's generation, moved on by every opt-out, so a job that started before one cannot write
	// back what it read.
	`CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
	INSERT INTO generation (id, value) VALUES (1, 0);`,
	// 5: a joiner that asked for a public summary of another channel is told why its answer is private.
	`ALTER TABLE joiners ADD COLUMN public_refused INTEGER NOT NULL DEFAULT 0;`,
	// 6: a run's joiners and flights are found by its id alone (flights.ts: a catch-up's come by two keys), so
	// by an index on it, not by reading every flight's rows; nothing looks joiners up by key.
	`DROP INDEX IF EXISTS joiners_by_key;
	DROP INDEX IF EXISTS joiners_by_run;
	CREATE INDEX IF NOT EXISTS joiners_by_run ON joiners (run_id);
	CREATE INDEX IF NOT EXISTS jobs_by_run ON jobs (interaction_id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the object's tables to the newest schema; returns the version it found. */
export function migrate(storage: DurableObjectStorage): number {
	const { sql } = storage;
	sql.exec("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
	const found = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0]?.version ?? 0;
	if (found < MIGRATIONS.length) {
		storage.transactionSync(() => {
			for (const migration of MIGRATIONS.slice(found)) sql.exec(migration);
			sql.exec("INSERT OR REPLACE INTO schema_version (id, version) VALUES (1, ?)", MIGRATIONS.length);
		});
	}
	return found;
}

/** Drops the rows of `tables` (our own names, each with an `expires_at`) past `now`, in that order. */
export function dropExpired(sql: SqlStorage, tables: readonly string[], now: number): void {
	for (const table of tables) sql.exec(`DELETE FROM ${table} WHERE expires_at <= ?`, now);
}

/** When the first row of `tables` expires; null when they are empty. */
export function earliestExpiry(sql: SqlStorage, tables: readonly string[]): number | null {
	const each = tables.map((table) => `SELECT MIN(expires_at) AS at FROM ${table}`).join(" UNION ALL ");
	return sql.exec<{ at: number | null }>(`SELECT MIN(at) AS at FROM (${each})`).one().at;
}

/** What each store of the object tells its alarm: drop what expired, and when the next entry does. */
export interface Expiring {
	expire(now: number): void;
	nextExpiry(): number | null;
}
