import { describe, expect, it } from "vitest";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { EXAMPLE_MIGRATIONS, fixture, runOps } from "../helpers/run-cli.ts";

async function publicTables(url: string): Promise<string[]> {
  const result = await withClient(url, (client) =>
    client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"),
  );
  return result.rows.map((row) => row.tablename);
}

describe("ops migrate (as a process)", () => {
  it("applies the example migrations, then reports nothing to do, with exit code 0", async () => {
    const url = await createTestDatabase();
    const first = await runOps([
      "migrate",
      "up",
      "--dir",
      EXAMPLE_MIGRATIONS,
      "--database-url",
      url,
    ]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied 8 migrations/);
    expect(first.stdout).toMatch(/Applying 20240101090000_create_accounts \(1\/8\)/);
    const second = await runOps([
      "migrate",
      "up",
      "--dir",
      EXAMPLE_MIGRATIONS,
      "--database-url",
      url,
      "--json",
    ]);
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    expect(result).toMatchObject({
      ok: true,
      function: "migration",
      operation: "migrate",
      data: { nothingToDo: true },
    });
  });

  it("prints one JSON document with --json and rolls back with down --steps", async () => {
    const url = await createTestDatabase();
    await runOps(["migrate", "up", "--dir", EXAMPLE_MIGRATIONS, "--database-url", url]);
    const down = await runOps([
      "migrate",
      "down",
      "--steps",
      "2",
      "--dir",
      EXAMPLE_MIGRATIONS,
      "--database-url",
      url,
      "--json",
    ]);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout).data.rolledBack).toEqual(["20240105093000", "20240104080000"]);
    const status = JSON.parse(
      (
        await runOps([
          "migrate",
          "status",
          "--dir",
          EXAMPLE_MIGRATIONS,
          "--database-url",
          url,
          "--json",
        ])
      ).stdout,
    );
    expect(status.data.pending.map((row: { version: string }) => row.version)).toEqual([
      "20240104080000",
      "20240105093000",
    ]);
  });

  it.each([
    ["missing-up-marker", /missing-up-marker|-- migrate:up/],
    ["duplicate-version", /duplicate|Duplicate/],
    ["non-numeric-prefix", /\.sql/],
    ["syntax-error", /\.sql:\d+/],
  ])("exits 2 naming the file for a malformed directory (%s) and applies nothing", async (name) => {
    const url = await createTestDatabase();
    const run = await runOps([
      "migrate",
      "up",
      "--dir",
      fixture(name),
      "--database-url",
      url,
      "--json",
    ]);
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: false, error: { code: "INVALID_MIGRATIONS" } });
    expect(result.error.message).toMatch(/\.sql/);
    expect(result.error.details.file).toMatch(/\.sql$/);
    expect(await publicTables(url)).toEqual([]);
  });

  it.each([
    [["migrate"], /missing subcommand/],
    [["migrate", "sideways"], /unknown subcommand 'sideways'/],
    [["migrate", "down", "--steps", "two"], /--steps must be a positive integer, got 'two'/],
    [["migrate", "up", "--to", "v1"], /--to must be a migration version/],
    [["migrate", "up", "--bogus"], /Unknown option '--bogus'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
  ])("exits 2 with a one-line reason for bad usage %j", async (args, reason) => {
    const run = await runOps(args, { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(reason);
  });

  it("exits 1 with a clear message and no password when the database is unreachable", async () => {
    const password = "unreachable-db-Pa55";
    const run = await runOps([
      "migrate",
      "status",
      "--database-url",
      `postgres://app:${password}@127.0.0.1:1/app`,
    ]);
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/127\.0\.0\.1:1|ECONNREFUSED|connect/i);
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);
  });

  it("lists every command with --help", async () => {
    const run = await runOps(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["migrate status|plan|up|down|validate|repair", "health"]) {
      expect(run.stdout).toContain(command);
    }
  });
});
