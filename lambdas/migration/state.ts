import type pg from "pg";
import { type RecordedFailure, readUnresolvedFailures } from "./failures.ts";
import { type AppliedMigration, readHistory } from "./history.ts";
import { findInvalidIndexes, type InvalidIndex } from "./invalid-indexes.ts";
import { type EngineTables, engineTablesExist } from "./tables.ts";

/** What the database says before an operation: history, open failures, invalid indexes. */
export interface DatabaseState {
  readonly history: AppliedMigration[];
  readonly failures: RecordedFailure[];
  readonly invalidIndexes: InvalidIndex[];
  /** Whether the engine's tables exist (false: the engine never ran on this database). */
  readonly initialized: boolean;
}

/**
 * Reads the state in three queries (never one per migration). With `tablesMayBeMissing`, a
 * database the engine never touched reads as empty instead of failing.
 *
 * @example
 * const { history, failures, invalidIndexes } = await readDatabaseState(client, tables);
 */
export async function readDatabaseState(
  client: pg.Client,
  tables: EngineTables,
  options: { tablesMayBeMissing?: boolean } = {},
): Promise<DatabaseState> {
  const invalidIndexes = await findInvalidIndexes(client);
  if (options.tablesMayBeMissing && !(await engineTablesExist(client, tables))) {
    return { history: [], failures: [], invalidIndexes, initialized: false };
  }
  const [history, failures] = await Promise.all([
    readHistory(client, tables),
    readUnresolvedFailures(client, tables),
  ]);
  return { history, failures, invalidIndexes, initialized: true };
}

/**
 * Invalid indexes that no recorded failure accounts for (e.g. a manual CREATE INDEX CONCURRENTLY
 * that failed, or one still running), as warnings.
 *
 * @example
 * warnings.push(...describeUnexplainedInvalidIndexes(state));
 */
export function describeUnexplainedInvalidIndexes(state: DatabaseState): string[] {
  const explained = new Set(state.failures.flatMap((failure) => failure.invalidIndexes));
  return state.invalidIndexes
    .filter((index) => !explained.has(index.name))
    .map(
      (index) =>
        `Index ${index.name} on ${index.table} is invalid (indisvalid = false), left by a failed or running CREATE INDEX CONCURRENTLY outside these migrations; drop it with DROP INDEX CONCURRENTLY ${index.name} once no build is running.`,
    );
}
