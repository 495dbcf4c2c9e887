import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import {
  applyPendingMigrations,
  getMigrationStatus,
  planMigrations,
  repairMigrations,
  validateMigrations,
} from "../../lambdas/migration/engine.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options, rejectionOf } from "../helpers/engine.ts";
import { type MigrationSpec, manifestFrom } from "../helpers/migration-manifest.ts";

const USERS: MigrationSpec = {
  version: "1",
  name: "create_users",
  up: "CREATE TABLE users (id int, email text);",
  down: "DROP TABLE users;",
};
const UNIQUE_EMAIL: MigrationSpec = {
  version: "2",
  name: "unique_email",
  up: "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_id_idx ON users (id);\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);",
  down: "DROP INDEX CONCURRENTLY users_email_key;\nDROP INDEX CONCURRENTLY users_id_idx;",
  upTransaction: "none",
  downTransaction: "none",
};
const AFTER: MigrationSpec = {
  version: "3",
  name: "add_name",
  up: "ALTER TABLE users ADD COLUMN name text;",
  down: "ALTER TABLE users DROP COLUMN name;",
};

describe("a failing no-transaction migration", () => {
  it("is recorded with the invalid index it left; the next run explains it, repair resolves it, then migrate completes", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS, UNIQUE_EMAIL, AFTER]);
    await applyPendingMigrations(manifest, options(url, { to: "1" }), createTestContext());
    await withClient(url, (client) =>
      client.query("INSERT INTO users VALUES (1, 'dup@example.com'), (2, 'dup@example.com')"),
    );

    const failed = await rejectionOf(
      applyPendingMigrations(manifest, options(url), createTestContext()),
    );
    const status = await getMigrationStatus(manifest, options(url), createTestContext());
    const blocked = await rejectionOf(
      applyPendingMigrations(manifest, options(url), createTestContext()),
    );
    const invalid = await rejectionOf(
      validateMigrations(manifest, options(url), createTestContext()),
    );
    const repaired = await repairMigrations(manifest, options(url), createTestContext());
    await withClient(url, (client) => client.query("DELETE FROM users WHERE id = 2"));
    const completed = await applyPendingMigrations(manifest, options(url), createTestContext());

    expect(failed.code).toBe("MIGRATION_FAILED");
    expect(failed.details).toMatchObject({
      file: "2_unique_email.sql",
      line: 3,
      sqlState: "23505",
    });
    expect(failed.data).toMatchObject({ failed: "2", invalidIndexes: ["public.users_email_key"] });
    expect(failed.message).toContain("1 statement before the failing one completed and remain");
    expect(failed.message).toContain("left invalid index public.users_email_key");
    expect(failed.hint).toContain("ops migrate repair");

    expect(status.summary).toBe("1 applied, 2 pending, 1 failed");
    expect(status.data.failed).toMatchObject([
      {
        version: "2",
        statementLine: 3,
        statementsDone: 1,
        invalidIndexes: ["public.users_email_key"],
      },
    ]);

    expect(blocked.code).toBe("PREVIOUS_FAILURE");
    expect(blocked.message).toContain("2_unique_email.sql failed at line 3");
    expect(blocked.message).toContain("It left invalid index public.users_email_key");
    expect(blocked.message).toContain("ops migrate repair");

    expect(invalid.code).toBe("VALIDATION_FAILED");
    expect(invalid.details.problems).toContainEqual(
      expect.objectContaining({ code: "PREVIOUS_FAILURE" }),
    );

    expect(repaired.data.actions).toEqual([
      "Dropped invalid index public.users_email_key left by 2_unique_email.sql",
      "Marked the failure of 2_unique_email.sql resolved (1 statement of it completed and remain: make them idempotent, e.g. IF NOT EXISTS, before migrating again)",
      "Recorded the current schema fingerprint",
    ]);

    expect(completed.data.applied).toEqual(["2", "3"]);
    const indexes = await withClient(url, (client) =>
      client.query(
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'users'::regclass ORDER BY 1",
      ),
    );
    expect(indexes.rows).toEqual([
      { relname: "users_email_key", indisvalid: true },
      { relname: "users_id_idx", indisvalid: true },
    ]);
  });

  it("reports an invalid index no recorded failure explains as a warning, and plan flags it", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS]);
    await applyPendingMigrations(manifest, options(url), createTestContext());
    await withClient(url, async (client) => {
      await client.query("INSERT INTO users VALUES (1, 'a'), (2, 'a')");
      await client
        .query("CREATE UNIQUE INDEX CONCURRENTLY manual_key ON users (email)")
        .catch(() => {});
    });

    const plan = await planMigrations(manifest, options(url), createTestContext());
    const again = await applyPendingMigrations(manifest, options(url), createTestContext());

    expect(plan.warnings.join("\n")).toContain("Index public.manual_key on users is invalid");
    expect(again.warnings.join("\n")).toContain("DROP INDEX CONCURRENTLY public.manual_key");
  });
});
