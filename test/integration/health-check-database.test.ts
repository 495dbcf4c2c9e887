import { createServer } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { checkDatabase } from "../../lambdas/health-check/checks/database.ts";
import { runHealthCheck } from "../../lambdas/health-check/health.ts";
import { DEFAULT_THRESHOLDS } from "../../lambdas/health-check/thresholds.ts";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";

// Generous round-trip limits: a loaded CI machine must not turn a healthy database red.
const thresholds = {
  ...DEFAULT_THRESHOLDS,
  databaseRoundTripWarnMs: 10_000,
  databaseRoundTripFailMs: 20_000,
};
const options = { thresholds, now: Date.now, maxTimeoutMs: 10_000 };
const ctx = createTestContext();

const opened: pg.Client[] = [];

async function openSession(url: string): Promise<pg.Client> {
  const client = new pg.Client(url);
  client.on("error", () => {});
  await client.connect();
  opened.push(client);
  return client;
}

afterEach(async () => {
  for (const client of opened.splice(0)) await client.end().catch(() => {});
});

function byName(checks: readonly { name: string }[], name: string) {
  const found = checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check named ${name}`);
  return found as Awaited<ReturnType<typeof checkDatabase>>[number];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("database health checks", () => {
  it("reports a healthy primary: round trip, version, connections, no long sessions, lag skipped", async () => {
    const url = await createTestDatabase();

    const outcome = await runHealthCheck(
      { thresholds },
      { database: { connectionString: url } },
      ctx,
    );

    expect(outcome.data.checks.map((c) => [c.name, c.status])).toEqual([
      ["database", "ok"],
      ["database.connections", "ok"],
      ["database.longest-query", "ok"],
      ["database.oldest-transaction", "ok"],
      ["database.replication-lag", "ok"],
    ]);
    const [database, connections] = outcome.data.checks;
    expect(database?.measured.serverVersion).toMatch(/^18\./);
    expect(database?.measured.roundTripMs).toBeTypeOf("number");
    const max = await withClient(url, async (c) => (await c.query("SHOW max_connections")).rows[0]);
    expect(connections?.measured.max).toBe(Number(max.max_connections));
    expect(connections?.measured.inUse).toBeGreaterThanOrEqual(1);
    expect(byName(outcome.data.checks, "database.replication-lag").message).toContain("primary");
    expect(outcome.warnings).toEqual([]);
    expect(outcome.summary).toBe("Health check passed: 5 checks ok");
  });

  it("warns when connections in use pass the warn percentage", async () => {
    const url = await createTestDatabase();

    const outcome = await runHealthCheck(
      { thresholds: { ...thresholds, connectionsWarnPercent: 0, connectionsFailPercent: 100 } },
      { database: { connectionString: url } },
      ctx,
    );

    expect(byName(outcome.data.checks, "database.connections").status).toBe("warn");
    expect(outcome.warnings).toHaveLength(1);
    expect(outcome.warnings[0]).toMatch(/^database\.connections: \d+ of \d+ connections in use/);
    expect(outcome.summary).toBe(
      "Health check passed: 4 checks ok, 1 warning (database.connections)",
    );
  });

  it("fails the run with HEALTH_CHECK_FAILED and every measurement when connections pass the fail percentage", async () => {
    const url = await createTestDatabase();

    const error = await runHealthCheck(
      { thresholds: { ...thresholds, connectionsWarnPercent: 0, connectionsFailPercent: 0 } },
      { database: { connectionString: url } },
      ctx,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpsError);
    const opsError = error as OpsError;
    expect(opsError.code).toBe("HEALTH_CHECK_FAILED");
    expect(opsError.message).toMatch(
      /^Health check failed: database\.connections \(1 of 5 checks\)/,
    );
    expect(opsError.details).toEqual({ failed: ["database.connections"], warned: [] });
    const checks = opsError.data?.checks as { name: string; status: string }[];
    expect(checks).toHaveLength(5);
    expect(byName(checks, "database.connections").status).toBe("fail");
    expect(opsError.data?.counts).toEqual({ ok: 4, warn: 0, fail: 1 });
  });

  it("warns about a long-running query and an idle-in-transaction session, naming their pids", async () => {
    const url = await createTestDatabase();
    const sleeper = await openSession(url);
    const idle = await openSession(url);
    const sleeping = sleeper.query("SELECT pg_sleep(60)").catch(() => {});
    await idle.query("BEGIN");
    await idle.query("SELECT 1");
    const pids = await withClient(url, (admin) =>
      waitFor(async () => {
        const rows = (
          await admin.query(
            "SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')",
          )
        ).rows;
        const active = rows.find((r) => r.state === "active");
        const idleRow = rows.find((r) => r.state === "idle in transaction");
        return active && idleRow ? { active: active.pid, idle: idleRow.pid } : undefined;
      }, "both sessions"),
    );

    try {
      const checks = await checkDatabase(
        { connectionString: url },
        {
          ...options,
          thresholds: {
            ...thresholds,
            longestQueryWarnSeconds: 0,
            oldestTransactionWarnSeconds: 0,
          },
        },
      );

      const longest = byName(checks, "database.longest-query");
      expect(longest.status).toBe("warn");
      expect(longest.measured.pid).toBe(pids.active);
      expect(longest.message).toContain(`pg_cancel_backend(${pids.active})`);
      const oldest = byName(checks, "database.oldest-transaction");
      expect(oldest.status).toBe("warn");
      expect(oldest.measured.seconds).toBeGreaterThanOrEqual(0);
      expect([pids.active, pids.idle]).toContain(oldest.measured.pid);
    } finally {
      await withClient(url, (admin) => admin.query("SELECT pg_cancel_backend($1)", [pids.active]));
      await sleeping;
    }
  });

  it("reports an idle-in-transaction session as the oldest transaction", async () => {
    const url = await createTestDatabase();
    const idle = await openSession(url);
    await idle.query("BEGIN");
    const { pid } = (await idle.query("SELECT pg_backend_pid() AS pid")).rows[0];
    await new Promise((resolve) => setTimeout(resolve, 50));

    const checks = await checkDatabase(
      { connectionString: url },
      { ...options, thresholds: { ...thresholds, oldestTransactionWarnSeconds: 0.01 } },
    );

    const oldest = byName(checks, "database.oldest-transaction");
    expect(oldest.status).toBe("warn");
    expect(oldest.measured).toMatchObject({ pid, state: "idle in transaction" });
    expect(oldest.message).toContain("idle in transaction");
    expect(oldest.message).toContain(`pg_terminate_backend(${pid})`);
  });

  it("turns an unreachable database into a failed check naming host and port, never the password", async () => {
    const port = await closedPort();
    const password = "s3cret-Pa55word";

    const checks = await checkDatabase(
      { connectionString: `postgres://ops:${password}@127.0.0.1:${port}/app` },
      options,
    );

    expect(checks).toHaveLength(1);
    const [database] = checks;
    expect(database).toMatchObject({ name: "database", status: "fail" });
    expect(database?.measured).toMatchObject({
      target: `127.0.0.1:${port}`,
      stage: "connect",
      error: "ECONNREFUSED",
    });
    expect(database?.message).toContain(`Cannot connect to PostgreSQL at 127.0.0.1:${port}`);
    expect(database?.message).toContain("ECONNREFUSED");
    expect(JSON.stringify(checks)).not.toContain(password);
  });

  it("keeps the password out of the failed run's error too", async () => {
    const port = await closedPort();
    const password = "s3cret-Pa55word";

    const error = (await runHealthCheck(
      {},
      { database: { host: "127.0.0.1", port, user: "ops", password, database: "app" } },
      ctx,
    ).catch((e: unknown) => e)) as OpsError;

    expect(error.code).toBe("HEALTH_CHECK_FAILED");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(
      JSON.stringify({ message: error.message, data: error.data, details: error.details }),
    ).not.toContain(password);
  });

  it("fails on wrong credentials without echoing the password", async () => {
    const url = new URL(await createTestDatabase());
    url.password = "definitely-wrong-pw";

    const checks = await checkDatabase({ connectionString: url.toString() }, options);

    const [database] = checks;
    if (database?.status === "fail") {
      expect(database.message).toContain("Cannot connect");
      expect(JSON.stringify(checks)).not.toContain("definitely-wrong-pw");
    } else {
      // The server trusts local connections: nothing to assert about authentication.
      expect(database?.status).toBe("ok");
    }
  });

  it("closes its connection when done", async () => {
    const url = await createTestDatabase();
    const application = `health-close-${Date.now()}`;

    await checkDatabase({ connectionString: url, application_name: application }, options);

    const remaining = await withClient(url, (admin) =>
      waitFor(async () => {
        const { rows } = await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
          [application],
        );
        return rows[0].n === 0 ? 0 : undefined;
      }, "the health check's session to end"),
    );
    expect(remaining).toBe(0);
  });
});
