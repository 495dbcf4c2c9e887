import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { applyPendingMigrations, getMigrationStatus } from "../../lambdas/migration/engine.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { type MigrationSpec, manifestFrom } from "../helpers/migration-manifest.ts";

const options = (url: string) => ({ connection: { connectionString: url } });

const ACCOUNTS: MigrationSpec = {
  version: "1",
  name: "create_accounts",
  up: "CREATE TABLE accounts (id int PRIMARY KEY);",
  down: "DROP TABLE accounts;",
};

const slowBackfill = (seconds: number): MigrationSpec => ({
  version: "2",
  name: "backfill",
  up: `ALTER TABLE accounts ADD COLUMN plan text;\nINSERT INTO accounts VALUES (1, 'free');\nSELECT pg_sleep(${seconds});`,
  down: "ALTER TABLE accounts DROP COLUMN plan;\nDELETE FROM accounts;",
});

describe("a connection killed mid-migration", () => {
  it("fails with a retryable CONNECTION_LOST, leaves no partial migration, and the next run completes", async () => {
    const url = await createTestDatabase();
    const run = applyPendingMigrations(
      manifestFrom([ACCOUNTS, slowBackfill(60)]),
      options(url),
      createTestContext(),
    );
    const outcome = run.then(
      () => new Error("expected the run to fail"),
      (error: unknown) => error,
    );

    const terminated = await withClient(url, async (client) => {
      for (let attempt = 0; attempt < 600; attempt++) {
        const killed = await client.query(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'",
        );
        if (killed.rowCount) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    });
    const error = await outcome;

    expect(terminated).toBe(true);
    expect(error).toBeInstanceOf(OpsError);
    const failure = error as OpsError;
    expect(failure.code).toBe("CONNECTION_LOST");
    expect(failure.retryable).toBe(true);
    expect(failure.message).toContain("while running 2_backfill.sql:4");
    expect(failure.message).toContain(
      "Reconnected and rolled back the 1 migration this run applied before it (1): the database is as before the run.",
    );
    expect(failure.data).toEqual({
      applied: ["1"],
      rolledBack: ["1"],
      remainingApplied: [],
      failed: "2",
    });
    const state = await withClient(url, async (client) => ({
      accounts: (await client.query("SELECT to_regclass('accounts') AS t")).rows[0].t,
      history: (await client.query("SELECT version FROM ops_schema_migrations")).rows,
    }));
    expect(state).toEqual({ accounts: null, history: [] });

    const next = await applyPendingMigrations(
      manifestFrom([ACCOUNTS, slowBackfill(0)]),
      options(url),
      createTestContext(),
    );

    expect(next.data.applied).toEqual(["1", "2"]);
    const status = await getMigrationStatus(
      manifestFrom([ACCOUNTS, slowBackfill(0)]),
      options(url),
      createTestContext(),
    );
    expect(status.summary).toBe("2 applied, 0 pending, 0 failed");
  });
});
