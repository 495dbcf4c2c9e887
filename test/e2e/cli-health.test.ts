import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/database.ts";
import { runOps } from "../helpers/run-cli.ts";

describe("ops health (as a process)", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === "/health" ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ version: "1.0.0" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("exits 0 and prints every check when the database and endpoints are healthy", async () => {
    const url = await createTestDatabase();
    const run = await runOps([
      "health",
      "--database-url",
      url,
      "--endpoint",
      `${base}/health`,
      "--json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, function: "health-check", operation: "check" });
    const names = result.data.checks.map((check: { name: string }) => check.name);
    expect(names).toEqual(expect.arrayContaining(["database", `${base}/health`]));
  });

  it("exits 1 and names the failing endpoint and what to do", async () => {
    const url = await createTestDatabase();
    const run = await runOps(["health", "--database-url", url, "--endpoint", `${base}/broken`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/fail\s+http:\/\/127\.0\.0\.1:\d+\/broken/);
    expect(run.stdout).toMatch(/HEALTH_CHECK_FAILED/);
    expect(run.stdout).toMatch(/Next:/);
  });

  it("exits 2 naming a malformed endpoint URL", async () => {
    const url = await createTestDatabase();
    const run = await runOps([
      "health",
      "--database-url",
      url,
      "--endpoint",
      "ftp://example.com",
      "--json",
    ]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: "INVALID_REQUEST",
      details: { field: "params.endpoints[0].url" },
    });
  });
});
