import pg from "pg";
import { BENCH_OBJECT_PREFIX, type ExpectedSchema } from "./generate-migrations.ts";

/**
 * Checks that a run did the work: the tool's history table has one row per migration and the
 * schema holds every generated table, index and the last seed row. Returns what is wrong, or
 * undefined when all is there.
 *
 * @example
 * const problem = await findMissingWork(url, "schema_migrations", expectedSchema(500));
 */
export async function findMissingWork(
  databaseUrl: string,
  historyTable: string,
  expected: ExpectedSchema,
): Promise<string | undefined> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const history = await countOf(
      client,
      `SELECT count(*) FROM ${pg.escapeIdentifier(historyTable)}`,
    );
    const tables = await countOf(
      client,
      "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND starts_with(tablename, $1)",
      [BENCH_OBJECT_PREFIX],
    );
    const indexes = await countOf(
      client,
      "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND starts_with(indexname, $1) AND indexname LIKE '%\\_name\\_idx'",
      [BENCH_OBJECT_PREFIX],
    );
    const seeded =
      tables === expected.tables
        ? await countOf(client, `SELECT count(*) FROM ${pg.escapeIdentifier(expected.lastTable)}`)
        : 0;
    const found = { history, tables, indexes, seeded };
    const wanted = {
      history: expected.migrations,
      tables: expected.tables,
      indexes: expected.indexes,
      seeded: 1,
    };
    return JSON.stringify(found) === JSON.stringify(wanted)
      ? undefined
      : `expected ${JSON.stringify(wanted)}, found ${JSON.stringify(found)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end();
  }
}

async function countOf(client: pg.Client, sql: string, values: unknown[] = []): Promise<number> {
  const result = await client.query<{ count: string }>(sql, values);
  return Number(result.rows[0]?.count);
}
