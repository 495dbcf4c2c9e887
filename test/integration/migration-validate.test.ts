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
  up: "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email_idx ON users (email);",
  down: "DROP TABLE users;",
};
const ORDERS: MigrationSpec = {
  version: "2",
  name: "create_orders",
  up: "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id));",
  down: null,
};

describe("validateMigrations", () => {
  it("passes when the files and the schema match what was applied", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS, ORDERS]);
    await applyPendingMigrations(manifest, options(url), createTestContext());

    const result = await validateMigrations(manifest, options(url), createTestContext());

    expect(result.summary).toBe(
      "Valid: 2 applied migrations match their files and the schema matches the recorded fingerprint",
    );
    expect(result.data.fingerprint).toBe(result.data.recordedFingerprint);
  });

  it("names each manual schema change as drift", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS, ORDERS]);
    await applyPendingMigrations(manifest, options(url), createTestContext());
    await withClient(url, (client) =>
      client.query(
        "ALTER TABLE users ADD COLUMN nickname text; DROP INDEX users_email_idx; ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL; CREATE TABLE scratch (id int)",
      ),
    );

    const error = await rejectionOf(
      validateMigrations(manifest, options(url), createTestContext()),
    );

    expect(error.code).toBe("VALIDATION_FAILED");
    const messages = (error.details.problems as { code: string; message: string }[]).map(
      (p) => p.message,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        "Schema drift: column users.nickname added outside migrations.",
        "Schema drift: table scratch added outside migrations.",
        "Schema drift: index users_email_idx dropped outside migrations.",
        "Schema drift: column orders.user_id changed outside migrations (notNull: false → true).",
      ]),
    );
    expect(error.hint).toContain("Put manual schema changes into a migration");
  });

  it("accepts drift once a repair re-records the fingerprint", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS]);
    await applyPendingMigrations(manifest, options(url), createTestContext());
    await withClient(url, (client) => client.query("ALTER TABLE users ADD COLUMN nickname text"));

    await repairMigrations(manifest, options(url), createTestContext());
    const result = await validateMigrations(manifest, options(url), createTestContext());

    expect(result.summary).toMatch(/^Valid/);
  });

  it("reports an edited applied migration, and repair with acceptEditedChecksums realigns it", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([USERS]), options(url), createTestContext());
    const edited = manifestFrom([{ ...USERS, up: `-- users of the app\n${USERS.up}` }]);

    const invalid = await rejectionOf(
      validateMigrations(edited, options(url), createTestContext()),
    );
    const status = await getMigrationStatus(edited, options(url), createTestContext());
    const declined = await repairMigrations(edited, options(url), createTestContext());
    const repaired = await repairMigrations(
      edited,
      options(url, { acceptEditedChecksums: true }),
      createTestContext(),
    );
    const valid = await validateMigrations(edited, options(url), createTestContext());

    expect(invalid.details.problems).toEqual([
      expect.objectContaining({
        code: "CHECKSUM_MISMATCH",
        message: expect.stringContaining("1_create_users.sql"),
      }),
    ]);
    expect(status.data.applied).toMatchObject([{ version: "1", checksum: "mismatch" }]);
    expect(declined.summary).toBe("Nothing to repair");
    expect(declined.warnings[0]).toContain("acceptEditedChecksums");
    expect(repaired.data.actions).toEqual([
      "Accepted the edited checksum of 1_create_users.sql",
      "Recorded the current schema fingerprint",
    ]);
    expect(valid.summary).toMatch(/^Valid/);
  });

  it("reads a database the engine never touched without creating anything", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS]);

    const status = await getMigrationStatus(manifest, options(url), createTestContext());
    const valid = await validateMigrations(manifest, options(url), createTestContext());

    expect(status.summary).toBe("0 applied, 1 pending, 0 failed");
    expect(valid.summary).toMatch(/^Valid: 0 applied migrations/);
    const tables = await withClient(url, (client) =>
      client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'"),
    );
    expect(tables.rows[0].n).toBe(0);
  });
});

describe("planMigrations", () => {
  it("lists pending migrations with transaction mode, kinds and risks, and the problems that would stop them", async () => {
    const url = await createTestDatabase();
    const first: MigrationSpec = {
      version: "2",
      name: "create_orders",
      up: "CREATE TABLE orders (id int);",
      down: "DROP TABLE orders;",
    };
    const index: MigrationSpec = {
      version: "3",
      name: "index_orders",
      up: "CREATE INDEX CONCURRENTLY orders_id_idx ON orders (id);",
      down: "DROP INDEX CONCURRENTLY orders_id_idx;",
      upTransaction: "none",
    };
    await applyPendingMigrations(manifestFrom([first]), options(url), createTestContext());

    const plan = await planMigrations(
      manifestFrom([USERS, first, index]),
      options(url),
      createTestContext(),
    );

    expect(plan.summary).toBe("2 pending migrations, 1 problem to fix first");
    expect(plan.data.pending).toEqual([
      expect.objectContaining({
        version: "1",
        file: "1_create_users.sql",
        transaction: "transaction",
        kinds: ["ddl", "index"],
        irreversible: false,
        outOfOrder: true,
      }),
      expect.objectContaining({
        version: "3",
        transaction: "none",
        kinds: ["index"],
        outOfOrder: false,
      }),
    ]);
    expect(plan.data.problems).toEqual([
      expect.objectContaining({ code: "OUT_OF_ORDER", version: "1" }),
    ]);
    expect(plan.warnings).toContain(
      "Pending migration 1_create_users.sql is older than the newest applied one; it needs allowOutOfOrder.",
    );
  });

  it("is what a dry-run migrate returns, without applying anything", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([USERS, ORDERS]);

    const dry = await applyPendingMigrations(
      manifest,
      options(url),
      createTestContext({ dryRun: true }),
    );

    expect(dry.summary).toBe("Dry run, nothing applied. 2 pending migrations, 1 risk warning");
    expect(dry.warnings).toContain(
      "2_create_orders.sql: 2_create_orders.sql has no down section: it cannot be rolled back.",
    );
    const status = await getMigrationStatus(manifest, options(url), createTestContext());
    expect(status.summary).toBe("0 applied, 2 pending, 0 failed");
  });
});
