import { describe, expect, it } from "vitest";
import { gradeDatabase } from "../../lambdas/health-check/checks/database-grade.ts";
import type { DatabaseSample } from "../../lambdas/health-check/checks/database-sample.ts";
import { DEFAULT_THRESHOLDS } from "../../lambdas/health-check/thresholds.ts";

const healthy: DatabaseSample = {
  target: "db.internal:5432",
  database: "app",
  serverVersion: "18.1",
  connectMs: 12,
  roundTripMs: 2,
  connectionsInUse: 20,
  maxConnections: 100,
  reservedConnections: 3,
  allSessionsVisible: true,
  longestQuery: null,
  oldestTransaction: null,
  replication: { inRecovery: false },
};

function check(sample: Partial<DatabaseSample>, name: string, thresholds = DEFAULT_THRESHOLDS) {
  const found = gradeDatabase({ ...healthy, ...sample }, thresholds).find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

describe("gradeDatabase", () => {
  it("reports every database check ok for a healthy primary", () => {
    const checks = gradeDatabase(healthy, DEFAULT_THRESHOLDS);

    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["database", "ok"],
      ["database.connections", "ok"],
      ["database.longest-query", "ok"],
      ["database.oldest-transaction", "ok"],
      ["database.replication-lag", "ok"],
    ]);
    expect(checks[0]?.measured).toMatchObject({ serverVersion: "18.1", roundTripMs: 2 });
  });

  it.each([
    [80, "ok"],
    [81, "warn"],
    [96, "fail"],
  ])("grades %i of 100 connections in use as %s", (inUse, status) => {
    const result = check({ connectionsInUse: inUse }, "database.connections");

    expect(result.status).toBe(status);
    expect(result.measured).toMatchObject({ inUse, max: 100, usedPercent: inUse });
    expect(result.thresholds).toEqual({ warnPercent: 80, failPercent: 95 });
    if (status !== "ok") expect(result.message).toContain("max_connections");
  });

  it("grades a slow round trip against its limits", () => {
    expect(check({ roundTripMs: 300 }, "database").status).toBe("warn");
    expect(check({ roundTripMs: 2500 }, "database").message).toContain("over the 2000 ms limit");
  });

  it("names the pid and how to cancel a long-running query", () => {
    const longestQuery = {
      pid: 4242,
      seconds: 75.26,
      user: "app",
      application: "api",
      state: "active",
    };

    const result = check({ longestQuery }, "database.longest-query");

    expect(result.status).toBe("warn");
    expect(result.measured).toMatchObject({ seconds: 75.3, pid: 4242 });
    expect(result.message).toContain("pid 4242");
    expect(result.message).toContain("pg_cancel_backend(4242)");
  });

  it("fails an old idle-in-transaction session and says how to end it", () => {
    const oldestTransaction = {
      pid: 7,
      seconds: 4000,
      user: "app",
      application: null,
      state: "idle in transaction",
    };

    const result = check({ oldestTransaction }, "database.oldest-transaction");

    expect(result.status).toBe("fail");
    expect(result.message).toContain("idle in transaction");
    expect(result.message).toContain("pg_terminate_backend(7)");
  });

  it("says when other roles' sessions are hidden from it", () => {
    const result = check({ allSessionsVisible: false }, "database.longest-query");

    expect(result.message).toContain("pg_monitor");
  });

  it("skips replication lag on a primary with status ok and a note", () => {
    const result = check({}, "database.replication-lag");

    expect(result.status).toBe("ok");
    expect(result.measured).toEqual({ inRecovery: false, lagSeconds: null });
    expect(result.message).toContain("primary");
  });

  it.each([
    [{ lagSeconds: 5, caughtUp: false }, "ok", 5],
    [{ lagSeconds: 45, caughtUp: false }, "warn", 45],
    [{ lagSeconds: 900, caughtUp: false }, "fail", 900],
    [{ lagSeconds: 900, caughtUp: true }, "ok", 0],
  ])("grades replica lag %o as %s", (lag, status, lagSeconds) => {
    const result = check({ replication: { inRecovery: true, ...lag } }, "database.replication-lag");

    expect(result.status).toBe(status);
    expect(result.measured.lagSeconds).toBe(lagSeconds);
  });

  it("warns about a replica that has replayed nothing yet", () => {
    const replication = { inRecovery: true as const, lagSeconds: null, caughtUp: null };

    expect(check({ replication }, "database.replication-lag").status).toBe("warn");
  });
});
