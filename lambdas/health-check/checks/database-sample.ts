import type pg from "pg";

/** A session of this database found in `pg_stat_activity`. */
export interface SessionSample {
  readonly pid: number;
  readonly seconds: number;
  readonly user: string | null;
  readonly application: string | null;
  readonly state: string | null;
}

export type ReplicationSample =
  | { readonly inRecovery: false }
  | {
      readonly inRecovery: true;
      /** `now() - pg_last_xact_replay_timestamp()`; null before the first replayed transaction. */
      readonly lagSeconds: number | null;
      /** Everything received is replayed (an idle primary makes the timestamp lag grow). */
      readonly caughtUp: boolean | null;
    };

/** What the database checks grade, read in a few catalog queries. */
export interface DatabaseSample {
  readonly target: string;
  readonly database: string;
  readonly serverVersion: string;
  readonly connectMs: number;
  readonly roundTripMs: number;
  readonly connectionsInUse: number;
  readonly maxConnections: number;
  readonly reservedConnections: number;
  /** Whether this role sees other roles' sessions (superuser or pg_read_all_stats). */
  readonly allSessionsVisible: boolean;
  readonly longestQuery: SessionSample | null;
  readonly oldestTransaction: SessionSample | null;
  readonly replication: ReplicationSample;
}

const SERVER_SQL = `
  SELECT current_setting('server_version') AS server_version,
         current_database() AS database,
         current_setting('max_connections')::int AS max_connections,
         current_setting('superuser_reserved_connections')::int AS reserved_connections,
         (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend')
           AS connections_in_use,
         pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS all_sessions_visible,
         pg_is_in_recovery() AS in_recovery`;

/** Other sessions of this database, oldest `since` first; our own backend is left out. */
const oldestSessionSql = (since: "query_start" | "xact_start", filter: string) => `
  SELECT pid, usename AS user, application_name AS application, state,
         extract(epoch FROM clock_timestamp() - ${since})::float8 AS seconds
    FROM pg_stat_activity
   WHERE datname = current_database() AND pid <> pg_backend_pid()
     AND backend_type = 'client backend' AND ${filter}
   ORDER BY ${since} LIMIT 1`;

const LONGEST_QUERY_SQL = oldestSessionSql("query_start", "state = 'active'");
const OLDEST_TRANSACTION_SQL = oldestSessionSql("xact_start", "xact_start IS NOT NULL");

const REPLICATION_SQL = `
  SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag_seconds,
         pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up`;

/**
 * Reads everything the database checks grade from a connected client: `select 1` round trip,
 * version, connection use, the longest query and oldest transaction, and replica lag.
 *
 * @example
 * const sample = await sampleDatabase(client, { target: "db.internal:5432", connectMs: 12, now: Date.now });
 */
export async function sampleDatabase(
  client: pg.ClientBase,
  timing: { target: string; connectMs: number; now: () => number },
): Promise<DatabaseSample> {
  const started = timing.now();
  await client.query("SELECT 1");
  const roundTripMs = timing.now() - started;
  const server = (await client.query(SERVER_SQL)).rows[0];
  const longestQuery = (await client.query<SessionSample>(LONGEST_QUERY_SQL)).rows[0] ?? null;
  const oldestTransaction =
    (await client.query<SessionSample>(OLDEST_TRANSACTION_SQL)).rows[0] ?? null;
  return {
    target: timing.target,
    database: server.database,
    serverVersion: server.server_version,
    connectMs: timing.connectMs,
    roundTripMs,
    connectionsInUse: server.connections_in_use,
    maxConnections: server.max_connections,
    reservedConnections: server.reserved_connections,
    allSessionsVisible: server.all_sessions_visible,
    longestQuery,
    oldestTransaction,
    replication: server.in_recovery ? await sampleReplication(client) : { inRecovery: false },
  };
}

async function sampleReplication(client: pg.ClientBase): Promise<ReplicationSample> {
  const row = (await client.query(REPLICATION_SQL)).rows[0];
  return { inRecovery: true, lagSeconds: row.lag_seconds, caughtUp: row.caught_up };
}
