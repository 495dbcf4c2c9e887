import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { applyPendingMigrations, getMigrationStatus } from "../../lambdas/migration/engine.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options, rejectionOf } from "../helpers/engine.ts";
import { manifestFrom } from "../helpers/migration-manifest.ts";

// `status` given a loader reads the migrations while its connection is being set up.
const manifest = manifestFrom([
  {
    version: "20240101120000",
    name: "create_a",
    up: "CREATE TABLE a (id int);",
    down: "DROP TABLE a;",
  },
  {
    version: "20240102120000",
    name: "create_b",
    up: "CREATE TABLE b (id int);",
    down: "DROP TABLE b;",
  },
]);
const invalid = () =>
  Promise.reject(new OpsError("INVALID_MIGRATIONS", "20240103_x.sql: missing -- migrate:up"));

describe("status with the index loaded alongside the connection", () => {
  it("reports what it reports when given the index", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(
      manifestFrom([
        {
          version: "20240101120000",
          name: "create_a",
          up: "CREATE TABLE a (id int);",
          down: "DROP TABLE a;",
        },
      ]),
      options(url),
      createTestContext(),
    );
    const given = await getMigrationStatus(manifest, options(url), createTestContext());
    const loaded = await getMigrationStatus(
      async () => manifest,
      options(url),
      createTestContext(),
    );
    expect(loaded).toEqual(given);
    expect(loaded.summary).toBe("1 applied, 1 pending, 0 failed");
  });

  it("fails with the load's error, not the unreachable database's", async () => {
    const error = await rejectionOf(
      getMigrationStatus(
        invalid,
        options("postgres://nobody@127.0.0.1:1/none"),
        createTestContext(),
      ),
    );
    expect(error.code).toBe("INVALID_MIGRATIONS");
  });

  it("fails with the database's error when the load succeeds", async () => {
    const error = await rejectionOf(
      getMigrationStatus(
        async () => manifest,
        options("postgres://nobody@127.0.0.1:1/none"),
        createTestContext(),
      ),
    );
    expect(error.code).toBe("CONNECTION_FAILED");
  });

  it("closes the connection it opened when the load fails", async () => {
    const url = await createTestDatabase();
    const application_name = "ops-status-load-test";
    const error = await rejectionOf(
      getMigrationStatus(
        invalid,
        { connection: { connectionString: url, application_name } },
        createTestContext(),
      ),
    );
    expect(error.code).toBe("INVALID_MIGRATIONS");
    const open = await withClient(url, async (client) => {
      // The server ends the backend a moment after the client's Terminate message.
      for (let attempt = 0; attempt < 50; attempt++) {
        const { rows } = await client.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
          [application_name],
        );
        if (rows[0].n === 0) return 0;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return 1;
    });
    expect(open).toBe(0);
  });
});

describe("status's appliedAt", () => {
  it("is the recorded instant in UTC, truncated to milliseconds, whatever the session's TimeZone", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifest, options(url), createTestContext());
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT current_database() AS db");
      await client.query(`ALTER DATABASE "${rows[0].db}" SET timezone = 'Asia/Kolkata'`);
      await client.query(
        "UPDATE ops_schema_migrations SET applied_at = '2026-03-01 23:59:59.999999+00' WHERE version = '20240101120000'",
      );
    });
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York"; // and whatever this process's own time zone
    const status = await getMigrationStatus(manifest, options(url), createTestContext()).finally(
      () => {
        if (tz === undefined) delete process.env.TZ;
        else process.env.TZ = tz;
      },
    );
    expect(
      (status.data.applied as Array<{ appliedAt: string }>).map((row) => row.appliedAt)[0],
    ).toBe("2026-03-01T23:59:59.999Z");
  });
});
