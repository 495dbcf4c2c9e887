import pg from "pg";

/** Qualified, quoted names of the engine's tables in one schema. */
export interface EngineTables {
  readonly schema: string;
  /** One row per applied migration. */
  readonly history: string;
  /** One row per finished migrate/rollback/repair run, keyed by request id (idempotency). */
  readonly runs: string;
  /** Failed no-transaction migrations and what they left behind, until repaired. */
  readonly failures: string;
  /** The schema fingerprint recorded after the last run (a single row). */
  readonly fingerprint: string;
}

export const ENGINE_TABLE_PREFIX = "ops_schema_";

/**
 * The engine's table names in `schema`.
 *
 * @example
 * engineTables("public").history; // "\"public\".\"ops_schema_migrations\""
 */
export function engineTables(schema: string): EngineTables {
  const name = (table: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
  return {
    schema,
    history: name("ops_schema_migrations"),
    runs: name("ops_schema_migration_runs"),
    failures: name("ops_schema_migration_failures"),
    fingerprint: name("ops_schema_fingerprint"),
  };
}

/**
 * Creates the engine's schema and tables unless they exist, in one round trip. Call it while
 * holding the migration lock: `CREATE TABLE IF NOT EXISTS` is not safe against a concurrent twin.
 *
 * @example
 * await ensureEngineTables(client, engineTables("public"));
 */
export async function ensureEngineTables(client: pg.Client, tables: EngineTables): Promise<void> {
  // Even with IF NOT EXISTS, CREATE SCHEMA needs the CREATE privilege on the database: skip it
  // for "public", which exists, so a migration role without that privilege still works.
  const schema =
    tables.schema === "public"
      ? ""
      : `CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(tables.schema)};`;
  await client.query(`${schema}
    CREATE TABLE IF NOT EXISTS ${tables.history} (
      version     text PRIMARY KEY,
      name        text NOT NULL,
      checksum    text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL,
      applied_by  text NOT NULL,
      request_id  text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${tables.runs} (
      request_id  text PRIMARY KEY,
      operation   text NOT NULL,
      ok          boolean NOT NULL,
      outcome     jsonb NOT NULL,
      finished_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${tables.failures} (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version          text NOT NULL,
      name             text NOT NULL,
      file             text NOT NULL,
      statement_line   integer,
      statement        text,
      statements_done  integer NOT NULL,
      sql_state        text,
      error            text NOT NULL,
      invalid_indexes  text[] NOT NULL DEFAULT '{}',
      failed_at        timestamptz NOT NULL DEFAULT now(),
      request_id       text NOT NULL,
      resolved_at      timestamptz,
      resolved_by      text
    );
    CREATE TABLE IF NOT EXISTS ${tables.fingerprint} (
      id          integer PRIMARY KEY CHECK (id = 1),
      sha256      text NOT NULL,
      description jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      operation   text NOT NULL,
      request_id  text NOT NULL
    );`);
}

/**
 * Whether the engine's tables exist (read-only operations never create them).
 *
 * @example
 * if (!(await engineTablesExist(client, tables))) return everythingPending();
 */
export async function engineTablesExist(client: pg.Client, tables: EngineTables): Promise<boolean> {
  const result = await client.query<{ ok: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL
        AND to_regclass($3) IS NOT NULL AND to_regclass($4) IS NOT NULL AS ok`,
    [tables.history, tables.runs, tables.failures, tables.fingerprint],
  );
  return result.rows[0]?.ok === true;
}
