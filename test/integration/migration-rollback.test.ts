import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import {
  applyPendingMigrations,
  describeSchema,
  getMigrationStatus,
  rollbackMigrations,
} from "../../lambdas/migration/engine.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options, rejectionOf } from "../helpers/engine.ts";
import { type MigrationSpec, manifestFrom } from "../helpers/migration-manifest.ts";

const table = (version: string, name: string): MigrationSpec => ({
  version,
  name: `create_${name}`,
  up: `CREATE TABLE ${name} (id int);`,
  down: `DROP TABLE ${name};`,
});
const A = table("1", "a");
const B = table("2", "b");
const C = table("3", "c");
const D = table("4", "d");

async function appliedVersions(url: string, manifest: ReturnType<typeof manifestFrom>) {
  const status = await getMigrationStatus(manifest, options(url), createTestContext());
  return (status.data.applied as { version: string }[]).map((row) => row.version);
}

describe("rollbackMigrations", () => {
  it("rolls back the newest migration by default, then `steps` and `to`", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([A, B, C, D]);
    await applyPendingMigrations(manifest, options(url), createTestContext());

    const one = await rollbackMigrations(manifest, options(url), createTestContext());
    const two = await rollbackMigrations(manifest, options(url, { steps: 2 }), createTestContext());
    await applyPendingMigrations(manifest, options(url), createTestContext());
    const toA = await rollbackMigrations(manifest, options(url, { to: "1" }), createTestContext());

    expect(one.data.rolledBack).toEqual(["4"]);
    expect(two.data.rolledBack).toEqual(["3", "2"]);
    expect(toA.summary).toMatch(/^Rolled back 3 migrations in .*: 4, 3, 2$/);
    expect(toA.data.current).toBe("1");
    expect(await appliedVersions(url, manifest)).toEqual(["1"]);
  });

  it("stops before an irreversible migration with IRREVERSIBLE and rolls back nothing", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([A, { ...B, down: null }, C]);
    await applyPendingMigrations(manifest, options(url), createTestContext());

    const error = await rejectionOf(
      rollbackMigrations(manifest, options(url, { steps: 3 }), createTestContext()),
    );

    expect(error.code).toBe("IRREVERSIBLE");
    expect(error.message).toContain("Rollback stops before 2_create_b.sql: it is irreversible");
    expect(error.message).toContain("At most 1 migration can be rolled back (steps: 1, or to: 2)");
    expect(error.details).toMatchObject({ version: "2", maxSteps: 1 });
    expect(await appliedVersions(url, manifest)).toEqual(["1", "2", "3"]);
  });

  it("treats an empty down section as an explicit no-op", async () => {
    const url = await createTestDatabase();
    const seed: MigrationSpec = {
      version: "2",
      name: "seed",
      up: "INSERT INTO a VALUES (1);",
      down: "",
    };
    const manifest = manifestFrom([A, seed]);
    await applyPendingMigrations(manifest, options(url), createTestContext());

    const result = await rollbackMigrations(manifest, options(url), createTestContext());

    expect(result.data.rolledBack).toEqual(["2"]);
    const rows = await withClient(url, (client) => client.query("SELECT id FROM a"));
    expect(rows.rows).toEqual([{ id: 1 }]);
  });

  it("fails with ROLLBACK_FAILED naming the down section's file and line, keeping that migration applied", async () => {
    const url = await createTestDatabase();
    const broken: MigrationSpec = { ...C, down: "DROP TABLE c;\nDROP TABLE nope;" };
    const manifest = manifestFrom([A, B, broken]);
    await applyPendingMigrations(manifest, options(url), createTestContext());
    const before = await withClient(url, (client) => describeSchema(client));

    const error = await rejectionOf(
      rollbackMigrations(manifest, options(url, { steps: 2 }), createTestContext()),
    );

    expect(error.code).toBe("ROLLBACK_FAILED");
    expect(error.details).toMatchObject({ file: "3_create_c.sql", line: 5, sqlState: "42P01" });
    expect(error.data).toEqual({ rolledBack: [], failed: "3", remainingApplied: ["3", "2"] });
    expect(await withClient(url, (client) => describeSchema(client))).toEqual(before);
  });

  it("rejects a bad target before connecting", async () => {
    const error = await rejectionOf(
      rollbackMigrations(
        manifestFrom([A]),
        options("postgres://nobody@127.0.0.1:1/x", { steps: 0 }),
        createTestContext(),
      ),
    );

    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toBe("Invalid request: 'steps' must be a positive integer, got 0");
  });

  it("reports nothing to roll back on an empty history", async () => {
    const url = await createTestDatabase();

    const result = await rollbackMigrations(manifestFrom([A]), options(url), createTestContext());

    expect(result.summary).toBe("Nothing to roll back");
  });

  it("keeps the engine's tables in the schema given by options.schema", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([A]);

    await applyPendingMigrations(manifest, options(url, { schema: "ops" }), createTestContext());
    await rollbackMigrations(manifest, options(url, { schema: "ops" }), createTestContext());

    const tables = await withClient(url, (client) =>
      client.query(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name LIKE 'ops_schema%' ORDER BY 2",
      ),
    );
    expect(tables.rows.map((row) => `${row.table_schema}.${row.table_name}`)).toEqual([
      "ops.ops_schema_fingerprint",
      "ops.ops_schema_migration_failures",
      "ops.ops_schema_migration_runs",
      "ops.ops_schema_migrations",
    ]);
    expect(
      Object.keys(
        (await withClient(url, (client) => describeSchema(client, { engineSchema: "ops" }))).tables,
      ),
    ).toEqual([]);
  });
});
