import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { applyPendingMigrations } from "../../lambdas/migration/engine.ts";
import { migrationLockKey } from "../../lambdas/migration/lock.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { options, rejectionOf } from "../helpers/engine.ts";
import { type MigrationSpec, manifestFrom } from "../helpers/migration-manifest.ts";

async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  return client;
}

/** Polls until `query` returns a row (explicit synchronisation instead of sleeps). */
async function waitForRow(url: string, query: string, params: unknown[] = []): Promise<void> {
  await withClient(url, async (client) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      if ((await client.query(query, params)).rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for: ${query}`);
  });
}

const TABLE: MigrationSpec = {
  version: "1",
  name: "create_effects",
  up: "CREATE TABLE effects (version text NOT NULL);\nINSERT INTO effects VALUES ('1');",
  down: "DROP TABLE effects;",
};

function effectMigration(version: number): MigrationSpec {
  return {
    version: String(version),
    name: `effect_${version}`,
    up: `CREATE TABLE t_${version} (id int);\nINSERT INTO effects VALUES ('${version}');`,
    down: `DROP TABLE t_${version};\nDELETE FROM effects WHERE version = '${version}';`,
  };
}

describe("migration lock", () => {
  it("applies every migration exactly once when 8 runners start together", async () => {
    const url = await createTestDatabase();
    const manifest = manifestFrom([TABLE, ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map(effectMigration)]);

    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        applyPendingMigrations(manifest, options(url), createTestContext()),
      ),
    );

    const applied = results.flatMap((result) => result.data.applied as string[]);
    expect(applied.sort((a, b) => Number(a) - Number(b))).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
    ]);
    for (const result of results) {
      expect(result.summary).toMatch(/^(Applied \d+ migrations? in |Nothing to do: )/);
    }
    expect(results.filter((result) => result.data.nothingToDo)).toHaveLength(7);
    const { effects, history } = await withClient(url, async (client) => ({
      effects: (await client.query("SELECT version FROM effects ORDER BY version::int")).rows,
      history: (await client.query("SELECT version FROM ops_schema_migrations")).rowCount,
    }));
    expect(effects.map((row) => row.version)).toEqual(applied);
    expect(history).toBe(10);
  });

  it("fails with LOCK_BUSY naming the holder when the lock stays taken past the wait", async () => {
    const url = await createTestDatabase();
    const holder = await connect(url, "release-train");
    const key = migrationLockKey("public");
    try {
      const pid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      await holder.query("SELECT pg_try_advisory_lock($1, $2)", [key.classId, key.objectId]);

      const error = await rejectionOf(
        applyPendingMigrations(
          manifestFrom([TABLE]),
          options(url, { lockWaitMs: 300 }),
          createTestContext(),
        ),
      );

      expect(error.code).toBe("LOCK_BUSY");
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`pid ${pid}`);
      expect(error.message).toContain("application 'release-train'");
      expect(error.message).toContain("client 127.0.0.1");
      expect(error.message).toMatch(/connected since \d{4}-/);
      expect(error.details.holder).toMatchObject({ pid, applicationName: "release-train" });
      expect(error.hint).toContain(`pg_terminate_backend(${pid})`);
    } finally {
      await holder.end();
    }
    const after = await applyPendingMigrations(
      manifestFrom([TABLE]),
      options(url),
      createTestContext(),
    );
    expect(after.data.applied).toEqual(["1"]);
  });

  it("does not deadlock a CREATE INDEX CONCURRENTLY while another migrator waits for the lock", async () => {
    const url = await createTestDatabase();
    const gate: MigrationSpec = {
      version: "1",
      name: "create_items",
      up: "CREATE TABLE gate (open boolean);\nCREATE TABLE items (id int);\nINSERT INTO items SELECT generate_series(1, 1000);",
      down: "DROP TABLE items;\nDROP TABLE gate;",
    };
    const index: MigrationSpec = {
      version: "2",
      name: "index_items",
      up: "DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM gate) LOOP PERFORM pg_sleep(0.02); END LOOP; END $$;\nCREATE INDEX CONCURRENTLY items_id_idx ON items (id);",
      down: "DROP INDEX CONCURRENTLY items_id_idx;",
      upTransaction: "none",
      downTransaction: "none",
    };
    const manifest = manifestFrom([gate, index]);
    let signalWaiting = () => {};
    const waiting = new Promise<void>((resolve) => {
      signalWaiting = resolve;
    });

    const first = applyPendingMigrations(manifest, options(url), createTestContext());
    await waitForRow(
      url,
      "SELECT 1 FROM pg_stat_activity WHERE application_name = 'ops-migrate' AND query LIKE 'DO $$%gate%' AND state = 'active'",
    );
    const second = applyPendingMigrations(
      manifest,
      options(url, { lockWaitMs: 25_000 }),
      createTestContext({
        progress: (message) =>
          message.startsWith("Waiting for another migration") && signalWaiting(),
      }),
    );
    await waiting;
    await withClient(url, (client) => client.query("INSERT INTO gate VALUES (true)"));
    const [firstResult, secondResult] = await Promise.all([first, second]);

    expect(firstResult.data.applied).toEqual(["1", "2"]);
    expect(secondResult.summary).toMatch(/^Nothing to do/);
    const valid = await withClient(url, (client) =>
      client.query(
        "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = 'items_id_idx'::regclass",
      ),
    );
    expect(valid.rows).toEqual([{ indisvalid: true }]);
  }, 60_000);
});

describe("lock_timeout", () => {
  const TABLE_T: MigrationSpec = {
    version: "1",
    name: "t",
    up: "CREATE TABLE t (id int);",
    down: "DROP TABLE t;",
  };
  const ALTER_T: MigrationSpec = {
    version: "2",
    name: "alter_t",
    up: "ALTER TABLE t ADD COLUMN c int;",
    down: "ALTER TABLE t DROP COLUMN c;",
  };

  it("retries a migration that hit lock_timeout with backoff, then applies it", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([TABLE_T]), options(url), createTestContext());
    const blocker = await connect(url, "long-reader");
    await blocker.query("BEGIN; SELECT * FROM t;");
    const waits: number[] = [];
    const progress: string[] = [];
    try {
      const result = await applyPendingMigrations(
        manifestFrom([TABLE_T, ALTER_T]),
        options(url, {
          lockTimeoutMs: 100,
          lockRetryBaseDelayMs: 10,
          sleep: async (ms: number) => {
            waits.push(ms);
            if (waits.length === 2) await blocker.query("COMMIT");
          },
        }),
        createTestContext({ progress: (message) => progress.push(message) }),
      );

      expect(result.data.applied).toEqual(["2"]);
      expect(waits).toHaveLength(2);
      expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
      expect(
        progress.filter((line) => line.startsWith("Lock timeout in 2_alter_t.sql")),
      ).toHaveLength(2);
    } finally {
      await blocker.end();
    }
  });

  it("fails with the lock_timeout error once the retries are used up, leaving nothing applied", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([TABLE_T]), options(url), createTestContext());
    const blocker = await connect(url, "long-reader");
    await blocker.query("BEGIN; SELECT * FROM t;");
    try {
      const error = await rejectionOf(
        applyPendingMigrations(
          manifestFrom([TABLE_T, ALTER_T]),
          options(url, { lockTimeoutMs: 100, lockTimeoutRetries: 1, sleep: async () => {} }),
          createTestContext(),
        ),
      );

      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.details).toMatchObject({ file: "2_alter_t.sql", line: 2, sqlState: "55P03" });
    } finally {
      await blocker.end();
    }
  });

  it("does not retry a concurrent index build that hit lock_timeout", async () => {
    const url = await createTestDatabase();
    await applyPendingMigrations(manifestFrom([TABLE_T]), options(url), createTestContext());
    const blocker = await connect(url, "maintenance");
    await blocker.query("BEGIN; LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE;");
    const waits: number[] = [];
    const index: MigrationSpec = {
      version: "2",
      name: "index_t",
      up: "CREATE INDEX CONCURRENTLY t_id_idx ON t (id);",
      down: "DROP INDEX CONCURRENTLY t_id_idx;",
      upTransaction: "none",
    };
    try {
      const error = await rejectionOf(
        applyPendingMigrations(
          manifestFrom([TABLE_T, index]),
          options(url, { lockTimeoutMs: 100, sleep: async (ms: number) => void waits.push(ms) }),
          createTestContext(),
        ),
      );

      expect(error.code).toBe("MIGRATION_FAILED");
      expect(error.details.sqlState).toBe("55P03");
      expect(error.message).toContain("left nothing behind");
      expect(waits).toEqual([]);
    } finally {
      await blocker.end();
    }
    const retried = await applyPendingMigrations(
      manifestFrom([TABLE_T, index]),
      options(url),
      createTestContext(),
    );
    expect(retried.data.applied).toEqual(["2"]);
  });
});
