import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import {
  applyPendingMigrations,
  describeSchema,
  getMigrationStatus,
  rollbackMigrations,
  validateMigrations,
} from "../../lambdas/migration/engine.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options, rejectionOf } from "../helpers/engine.ts";
import { type MigrationSpec, manifestFrom } from "../helpers/migration-manifest.ts";

const USERS: MigrationSpec = {
  version: "20240101120000",
  name: "create_users",
  up: "CREATE TABLE users (\n  id bigserial PRIMARY KEY,\n  email text NOT NULL UNIQUE\n);",
  down: "DROP TABLE users;",
};
const ORDERS: MigrationSpec = {
  version: "20240102120000",
  name: "create_orders",
  up: "CREATE TYPE order_state AS ENUM ('new', 'paid');\nCREATE TABLE orders (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users (id),\n  state order_state NOT NULL DEFAULT 'new',\n  total numeric(12, 2) CHECK (total >= 0)\n);\nCREATE INDEX orders_user_id_idx ON orders (user_id);",
  down: "DROP TABLE orders;\nDROP TYPE order_state;",
};
const VIEW_AND_FUNCTION: MigrationSpec = {
  version: "20240103120000",
  name: "add_paid_orders_view",
  up: "CREATE FUNCTION order_total_cents(total numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT (total * 100)::bigint $$;\nCREATE VIEW paid_orders AS SELECT id, user_id, order_total_cents(total) AS cents FROM orders WHERE state = 'paid';\nINSERT INTO users (email) VALUES ('seed@example.com');",
  down: "DROP VIEW paid_orders;\nDROP FUNCTION order_total_cents(numeric);\nDELETE FROM users WHERE email = 'seed@example.com';",
};

describe("applyPendingMigrations", () => {
  it("applies, reports status, rolls everything back and re-applies to an identical schema", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION]);
    const empty = await withClient(url, (client) => describeSchema(client));

    const applied = await applyPendingMigrations(manifest, options(url), createTestContext());
    const migrated = await withClient(url, (client) => describeSchema(client));
    const status = await getMigrationStatus(manifest, options(url), createTestContext());
    const appliedAtBeforeRollback = await withClient(url, async (client) => {
      const result = await client.query<{ applied_at: Date }>(
        "SELECT applied_at FROM ops_schema_migrations ORDER BY version",
      );
      return result.rows.map((row) => row.applied_at);
    });
    const rolledBack = await rollbackMigrations(
      manifest,
      options(url, { steps: 3 }),
      createTestContext(),
    );
    const afterRollback = await withClient(url, (client) => describeSchema(client));
    await applyPendingMigrations(manifest, options(url), createTestContext());
    const reapplied = await withClient(url, (client) => describeSchema(client));

    expect(applied.summary).toMatch(/^Applied 3 migrations in /);
    expect(applied.data.applied).toEqual([
      USERS.version,
      ORDERS.version,
      VIEW_AND_FUNCTION.version,
    ]);
    expect(Object.keys(migrated.tables)).toEqual(["public.orders", "public.users"]);
    expect(status.summary).toBe("3 applied, 0 pending, 0 failed");
    expect(status.data.applied).toMatchObject([
      { version: USERS.version, name: "create_users", checksum: "ok" },
      { version: ORDERS.version, checksum: "ok" },
      { version: VIEW_AND_FUNCTION.version, checksum: "ok" },
    ]);
    expect(rolledBack.data.rolledBack).toEqual([
      VIEW_AND_FUNCTION.version,
      ORDERS.version,
      USERS.version,
    ]);
    expect(afterRollback).toEqual(empty);
    // appliedAt, formatted by the server, reads exactly as the recorded timestamp in JavaScript.
    expect(
      (status.data.applied as Array<{ appliedAt: string }>).map((row) => row.appliedAt),
    ).toEqual(appliedAtBeforeRollback.map((date) => date.toISOString()));
    expect(reapplied).toEqual(migrated);
  });

  it("rolls back every migration of the run when one fails: schema and data as before, error names file and line", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([USERS]), options(url), createTestContext());
    await withClient(url, (client) =>
      client.query("INSERT INTO users (email) VALUES ('a@example.com')"),
    );
    const before = await withClient(url, (client) => describeSchema(client));
    const broken: MigrationSpec = {
      version: "20240104120000",
      name: "broken",
      up: "ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = 'x';\n\nINSERT INTO users (email)\n  VALUES (NULL);",
      down: "ALTER TABLE users DROP COLUMN nickname;",
    };
    const manifest = manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION, broken]);

    const error = await rejectionOf(
      applyPendingMigrations(manifest, options(url), createTestContext()),
    );

    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.message).toContain("20240104120000_broken.sql:5");
    expect(error.details).toMatchObject({
      file: "20240104120000_broken.sql",
      line: 5,
      version: "20240104120000",
      sqlState: "23502",
      statement: "INSERT INTO users (email)\n  VALUES (NULL);",
    });
    expect(error.data).toEqual({
      applied: [ORDERS.version, VIEW_AND_FUNCTION.version],
      rolledBack: [VIEW_AND_FUNCTION.version, ORDERS.version],
      remainingApplied: [],
      failed: "20240104120000",
      invalidIndexes: [],
    });
    expect(await withClient(url, (client) => describeSchema(client))).toEqual(before);
    const rows = await withClient(url, (client) => client.query("SELECT email FROM users"));
    expect(rows.rows).toEqual([{ email: "a@example.com" }]);
    const status = await getMigrationStatus(manifest, options(url), createTestContext());
    expect(status.summary).toBe("1 applied, 3 pending, 0 failed");
  });

  it("names the line of the error position within a statement", async () => {
    const url = await createTestDatabase();
    const typo: MigrationSpec = {
      version: "1",
      name: "typo",
      up: "CREATE TABLE a (id int);\nINSERT INTO a\n  SELECT id\n  FROM missing;",
      down: "DROP TABLE a;",
    };

    const error = await rejectionOf(
      applyPendingMigrations(manifestFrom([typo]), options(url), createTestContext()),
    );

    expect(error.details).toMatchObject({
      file: "1_typo.sql",
      line: 3,
      errorLine: 5,
      sqlState: "42P01",
    });
    expect(error.details.position).toEqual(expect.any(Number));
    expect(error.message).toContain("1_typo.sql:5 (statement at line 3, position");
    expect(error.message).toContain('relation "missing" does not exist');
  });

  it("tells how to mark a statement that cannot run inside a transaction", async () => {
    const url = await createTestDatabase();
    const concurrently: MigrationSpec = {
      version: "20240105000000",
      name: "index_email",
      up: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      down: "DROP INDEX users_email_idx;",
    };

    const error = await rejectionOf(
      applyPendingMigrations(
        manifestFrom([USERS, concurrently]),
        options(url),
        createTestContext(),
      ),
    );

    expect(error.details).toMatchObject({ sqlState: "25001", line: 2 });
    expect(error.hint).toContain("-- migrate:up transaction:false");
    expect(error.data).toMatchObject({ rolledBack: [USERS.version], remainingApplied: [] });
  });

  it("says exactly what stays applied when an automatic rollback meets an irreversible migration", async () => {
    const url = await createTestDatabase();
    const irreversible: MigrationSpec = { ...ORDERS, down: null };
    const failing: MigrationSpec = {
      version: "20240109000000",
      name: "fails",
      up: "SELECT 1/0;",
      down: "",
    };

    const error = await rejectionOf(
      applyPendingMigrations(
        manifestFrom([USERS, irreversible, failing]),
        options(url),
        createTestContext(),
      ),
    );

    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.data).toMatchObject({
      applied: [USERS.version, ORDERS.version],
      rolledBack: [],
      remainingApplied: [ORDERS.version, USERS.version],
    });
    expect(error.message).toContain(`${ORDERS.version}_create_orders.sql is irreversible`);
    expect(error.message).toContain(`still applied ${ORDERS.version}, ${USERS.version}`);
  });

  it("keeps the run's migrations when rollbackOnFailure is false", async () => {
    const url = await createTestDatabase();
    const failing: MigrationSpec = {
      version: "20240109000000",
      name: "fails",
      up: "SELECT 1/0;",
      down: "",
    };

    const error = await rejectionOf(
      applyPendingMigrations(
        manifestFrom([USERS, failing]),
        options(url, { rollbackOnFailure: false }),
        createTestContext(),
      ),
    );

    expect(error.data).toMatchObject({
      applied: [USERS.version],
      rolledBack: [],
      remainingApplied: [USERS.version],
    });
    const status = await getMigrationStatus(
      manifestFrom([USERS, failing]),
      options(url),
      createTestContext(),
    );
    expect(status.summary).toBe("1 applied, 1 pending, 0 failed");
  });

  it("refuses an applied migration edited afterwards with CHECKSUM_MISMATCH before running anything", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([USERS]), options(url), createTestContext());
    const edited = { ...USERS, up: `${USERS.up}\nCREATE TABLE sneaky (id int);` };

    const error = await rejectionOf(
      applyPendingMigrations(manifestFrom([edited, ORDERS]), options(url), createTestContext()),
    );

    expect(error.code).toBe("CHECKSUM_MISMATCH");
    expect(error.message).toContain("20240101120000_create_users.sql");
    expect(error.details.files).toEqual(["20240101120000_create_users.sql"]);
    const tables = await withClient(url, (client) => describeSchema(client));
    expect(Object.keys(tables.tables)).toEqual(["public.users"]);
  });

  it("refuses a pending migration older than the newest applied with OUT_OF_ORDER unless allowOutOfOrder", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(
      manifestFrom([USERS, VIEW_AND_FUNCTION, ORDERS].slice(0, 1)),
      options(url),
      createTestContext(),
    );
    const late: MigrationSpec = {
      version: "20240101000000",
      name: "late",
      up: "CREATE TABLE late (id int);",
      down: "DROP TABLE late;",
    };
    const manifest = manifestFrom([late, USERS]);

    const error = await rejectionOf(
      applyPendingMigrations(manifest, options(url), createTestContext()),
    );
    const allowed = await applyPendingMigrations(
      manifest,
      options(url, { allowOutOfOrder: true }),
      createTestContext(),
    );

    expect(error.code).toBe("OUT_OF_ORDER");
    expect(error.message).toContain("20240101000000_late.sql");
    expect(error.details).toMatchObject({
      versions: ["20240101000000"],
      newestApplied: USERS.version,
    });
    expect(allowed.data.applied).toEqual(["20240101000000"]);
  });

  it("returns the recorded outcome for a repeated requestId and runs nothing", async () => {
    const url = await createTestDatabase();
    const ctx = createTestContext({ requestId: "req-42" });
    const first = await applyPendingMigrations(manifestFrom([USERS]), options(url), ctx);

    const second = await applyPendingMigrations(manifestFrom([USERS, ORDERS]), options(url), ctx);

    expect(second.summary).toBe(first.summary);
    expect(second.data).toEqual(first.data);
    expect(second.warnings.at(-1)).toMatch(
      /^Replay: request req-42 already ran at .*nothing was run again/,
    );
    const status = await getMigrationStatus(
      manifestFrom([USERS, ORDERS]),
      options(url),
      createTestContext(),
    );
    expect(status.summary).toBe("1 applied, 1 pending, 0 failed");
  });

  it("replays a recorded failure for a repeated requestId", async () => {
    const url = await createTestDatabase();
    const ctx = createTestContext({ requestId: "req-fail" });
    const failing: MigrationSpec = { version: "2", name: "fails", up: "SELECT 1/0;", down: "" };
    const first = await rejectionOf(
      applyPendingMigrations(manifestFrom([failing]), options(url), ctx),
    );

    const second = await rejectionOf(
      applyPendingMigrations(manifestFrom([failing]), options(url), ctx),
    );

    expect(second.code).toBe(first.code);
    expect(second.message).toBe(first.message);
    expect(second.details.replayOf).toBe("req-fail");
  });

  it("stops with TIME_BUDGET_EXHAUSTED before a migration when less than the safety margin is left", async () => {
    const url = await createTestDatabase();
    let left = 100_000;
    const ctx = createTestContext({
      remainingTimeMs: () => left,
      progress: (message) => {
        if (message.startsWith("Applied 20240101120000")) left = 10_000;
      },
    });

    const error = await rejectionOf(
      applyPendingMigrations(manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION]), options(url), ctx),
    );
    const validAfterStop = await validateMigrations(
      manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION]),
      options(url),
      createTestContext(),
    );
    left = 100_000;
    const resumed = await applyPendingMigrations(
      manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION]),
      options(url),
      ctx,
    );

    expect(error.code).toBe("TIME_BUDGET_EXHAUSTED");
    expect(error.retryable).toBe(true);
    expect(error.data).toEqual({
      applied: [USERS.version],
      pending: [ORDERS.version, VIEW_AND_FUNCTION.version],
    });
    expect(validAfterStop.summary).toMatch(/^Valid: 1 applied migration/);
    expect(resumed.data.applied).toEqual([ORDERS.version, VIEW_AND_FUNCTION.version]);
  });

  it("reports progress for each migration and measures it by its dominant statement kind", async () => {
    const url = await createTestDatabase();
    const progress: string[] = [];
    const durations: Record<string, string>[] = [];
    const counts: number[] = [];
    const ctx = createTestContext({
      progress: (message) => progress.push(message),
      metrics: {
        add: (name, _unit, value) => name === "MigrationsApplied" && counts.push(value),
        addWithDimensions: (name, unit, _value, dimensions) => {
          expect([name, unit]).toEqual(["MigrationDuration", "Milliseconds"]);
          durations.push(dimensions);
        },
      },
    });

    await applyPendingMigrations(
      manifestFrom([USERS, ORDERS, VIEW_AND_FUNCTION]),
      options(url),
      ctx,
    );

    expect(progress.filter((line) => /^Appl(ying|ied) /.test(line))).toHaveLength(6);
    expect(progress[0]).toBe("Applying 20240101120000_create_users (1/3)");
    expect(durations).toEqual([
      { MigrationType: "ddl" },
      { MigrationType: "index" },
      { MigrationType: "ddl" },
    ]);
    expect(counts).toEqual([3]);
  });

  it("sets the session timeouts as startup parameters that a RESET inside a migration keeps", async () => {
    const url = await createTestDatabase();
    const probe: MigrationSpec = {
      version: "1",
      name: "probe",
      up: "RESET ALL;\nCREATE TABLE settings AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle;",
      down: "DROP TABLE settings;",
    };

    await applyPendingMigrations(
      manifestFrom([probe]),
      options(url, {
        lockTimeoutMs: 2_000,
        statementTimeoutMs: 120_000,
        idleInTransactionTimeoutMs: 30_000,
      }),
      createTestContext(),
    );

    const rows = await withClient(url, (client) => client.query("SELECT * FROM settings"));
    expect(rows.rows).toEqual([{ lock_timeout: "2s", statement_timeout: "2min", idle: "30s" }]);
  });

  it("reports nothing to do when everything is applied", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([USERS]), options(url), createTestContext());

    const again = await applyPendingMigrations(
      manifestFrom([USERS]),
      options(url),
      createTestContext(),
    );

    expect(again.summary).toBe("Nothing to do: 1 migration applied, none pending");
    expect(again.data).toMatchObject({ applied: [], nothingToDo: true });
  });
});
