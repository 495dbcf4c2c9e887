import type pg from "pg";
import type { EngineTables } from "./tables.ts";

/** A failed no-transaction migration, kept until `repairMigrations` resolves it. */
export interface RecordedFailure {
  readonly id: number;
  readonly version: string;
  readonly name: string;
  readonly file: string;
  /** Line of the statement that failed (the last one that ran). */
  readonly statementLine: number | null;
  readonly statement: string | null;
  /** How many statements of the section completed before the failure. */
  readonly statementsDone: number;
  readonly sqlState: string | null;
  readonly error: string;
  /** Schema-qualified invalid indexes the failure left behind. */
  readonly invalidIndexes: string[];
  readonly failedAt: string;
  readonly requestId: string;
}

export type NewFailure = Omit<RecordedFailure, "id" | "failedAt">;

/**
 * Records a failed no-transaction migration.
 *
 * @example
 * await recordFailure(client, tables, { version, name, file, statementLine: 3, … });
 */
export async function recordFailure(
  client: pg.Client,
  tables: EngineTables,
  failure: NewFailure,
): Promise<void> {
  await client.query(
    `INSERT INTO ${tables.failures} (version, name, file, statement_line, statement, statements_done,
       sql_state, error, invalid_indexes, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      failure.version,
      failure.name,
      failure.file,
      failure.statementLine,
      failure.statement,
      failure.statementsDone,
      failure.sqlState,
      failure.error,
      failure.invalidIndexes,
      failure.requestId,
    ],
  );
}

/**
 * Failures not yet resolved by a repair, oldest first.
 *
 * @example
 * const open = await readUnresolvedFailures(client, tables);
 */
export async function readUnresolvedFailures(
  client: pg.Client,
  tables: EngineTables,
): Promise<RecordedFailure[]> {
  const result = await client.query(
    `SELECT id::int AS id, version, name, file, statement_line, statement, statements_done,
            sql_state, error, invalid_indexes, failed_at, request_id
       FROM ${tables.failures} WHERE resolved_at IS NULL ORDER BY id`,
  );
  return result.rows.map((row) => ({
    id: row.id,
    version: row.version,
    name: row.name,
    file: row.file,
    statementLine: row.statement_line,
    statement: row.statement,
    statementsDone: row.statements_done,
    sqlState: row.sql_state,
    error: row.error,
    invalidIndexes: row.invalid_indexes,
    failedAt: (row.failed_at as Date).toISOString(),
    requestId: row.request_id,
  }));
}

/**
 * Marks failures as resolved.
 *
 * @example
 * await resolveFailures(client, tables, [3], "repair by octocat");
 */
export async function resolveFailures(
  client: pg.Client,
  tables: EngineTables,
  ids: readonly number[],
  resolvedBy: string,
): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `UPDATE ${tables.failures} SET resolved_at = now(), resolved_by = $2 WHERE id = ANY($1::bigint[])`,
    [ids, resolvedBy],
  );
}
