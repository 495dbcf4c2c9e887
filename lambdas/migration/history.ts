import pg from "pg";
import type { EngineTables } from "./tables.ts";
import type { Migration } from "./types.ts";
import { compareVersions } from "./versions.ts";

/** One row of `ops_schema_migrations`. */
export interface AppliedMigration {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly durationMs: number;
  readonly appliedBy: string;
  readonly requestId: string;
}

/**
 * Reads the whole history in one query, ordered by version.
 *
 * @example
 * const applied = await readHistory(client, engineTables("public"));
 */
export async function readHistory(
  client: pg.Client,
  tables: EngineTables,
): Promise<AppliedMigration[]> {
  // One JSON array per column instead of a row per migration: decoding hundreds of rows field
  // by field in JavaScript cost more than the rest of `status`, and JSON.parse is native. Plain
  // json_agg of each column is the cheapest for the server too: on a fresh backend (which every
  // `status` gets) json_build_object per row cost it 14 M instructions more for 500 rows, and
  // formatting applied_at (to_char, epoch arithmetic) a few M (counted under valgrind). applied_at
  // comes as UTC without an offset, whatever the session's TimeZone.
  const result = await client.query<HistoryColumns>(
    `SELECT json_agg(version) AS versions, json_agg(name) AS names, json_agg(checksum) AS checksums,
            json_agg(applied_at AT TIME ZONE 'UTC') AS applied_at, json_agg(duration_ms) AS durations,
            json_agg(applied_by) AS applied_by, json_agg(request_id) AS request_ids
       FROM ${tables.history}`,
  );
  const columns = result.rows[0];
  if (!columns?.versions) return []; // json_agg of no rows is null
  const history: AppliedMigration[] = columns.versions.map((version, i) => ({
    version,
    name: columns.names[i] as string,
    checksum: columns.checksums[i] as string,
    // "2026-01-31T09:15:00.123456" in UTC; Date truncates to milliseconds as toISOString does.
    appliedAt: new Date(`${columns.applied_at[i]}Z`).toISOString(),
    durationMs: columns.durations[i] as number,
    appliedBy: columns.applied_by[i] as string,
    requestId: columns.request_ids[i] as string,
  }));
  return history.sort((a, b) => compareVersions(a.version, b.version));
}

/** The history as `readHistory` fetches it: a JSON array per column (all null when empty). */
interface HistoryColumns {
  readonly versions: string[] | null;
  readonly names: string[];
  readonly checksums: string[];
  readonly applied_at: string[];
  readonly durations: number[];
  readonly applied_by: string[];
  readonly request_ids: string[];
}

/** Who ran the migration and under which request, as recorded in the history. */
export interface RunIdentity {
  readonly appliedBy: string;
  readonly requestId: string;
}

/**
 * The INSERT of a history row as plain SQL (literals escaped), so it can share a round trip with
 * the COMMIT that follows it. Without `durationMs`, the server measures it: from the start of
 * the migration's transaction to the insert.
 *
 * @example
 * await client.query(`${historyInsertSql(tables, migration, who)}; COMMIT`);
 */
export function historyInsertSql(
  tables: EngineTables,
  migration: Migration,
  who: RunIdentity,
  durationMs?: number,
): string {
  const duration =
    durationMs === undefined
      ? "round(extract(epoch FROM clock_timestamp() - now()) * 1000)::int"
      : String(Math.round(durationMs));
  const values = [
    migration.version,
    migration.name,
    migration.checksum,
    who.appliedBy,
    who.requestId,
  ]
    .map((value) => pg.escapeLiteral(value))
    .join(", ");
  return `INSERT INTO ${tables.history} (version, name, checksum, applied_by, request_id, duration_ms)
    VALUES (${values}, ${duration})`;
}

/**
 * The DELETE of a history row as plain SQL, to share a round trip with the COMMIT.
 *
 * @example
 * await client.query(`${historyDeleteSql(tables, "20240101120000")}; COMMIT`);
 */
export function historyDeleteSql(tables: EngineTables, version: string): string {
  return `DELETE FROM ${tables.history} WHERE version = ${pg.escapeLiteral(version)}`;
}

/**
 * Records new checksums for applied migrations (repair with `acceptEditedChecksums`).
 *
 * @example
 * await updateChecksums(client, tables, [{ version: "1", checksum: "ab…" }]);
 */
export async function updateChecksums(
  client: pg.Client,
  tables: EngineTables,
  changes: readonly { version: string; checksum: string }[],
): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `UPDATE ${tables.history} AS h SET checksum = c.checksum
       FROM unnest($1::text[], $2::text[]) AS c(version, checksum) WHERE h.version = c.version`,
    [changes.map((change) => change.version), changes.map((change) => change.checksum)],
  );
}
