/**
 * `ops invoke` as a process: the same invoke core as the action, against a running local stack
 * (found through <OPS_HOME>/local-stack.json, as `ops local start` announces itself).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { runOps } from "../helpers/run-cli.ts";

let home: string;
let stack: LocalStack;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "invoke-cli-e2e-"));
  stack = await startLocalStack({ databaseUrl: await createTestDatabase(), home });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await rm(home, { recursive: true, force: true });
});

describe("ops invoke", () => {
  it("invokes a function of the running local stack and prints the result envelope with --json", async () => {
    const run = await runOps(["invoke", "migration", "status", "--env", "local", "--json"], {
      OPS_HOME: home,
    });

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: true, function: "migration", operation: "status" });
    expect(result.requestId).toMatch(/^ops-/);
  });

  it("exits 2 with INVALID_REQUEST when the function rejects the params", async () => {
    const run = await runOps(
      ["invoke", "migration", "rollback", "--env", "local", "--params", '{"steps": 0}'],
      { OPS_HOME: home },
    );

    expect(run.code).toBe(2);
    expect(run.stdout).toContain("INVALID_REQUEST");
  });

  it.each([
    [["invoke", "migration"], "ops invoke: expected FUNCTION and OPERATION"],
    [
      ["invoke", "migration", "status", "--env", "local", "--params", "[1]"],
      "ops invoke: --params must be a JSON or YAML object, got '[1]'",
    ],
    [
      ["invoke", "migration", "status"],
      "ops invoke: --env is required when 'function-name' is a function key ('migration')",
    ],
  ])("exits 2 on bad usage %j with a one-line reason", async (args, message) => {
    const run = await runOps(args, { OPS_HOME: home });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("exits 1 naming an unknown function and what to check", async () => {
    const run = await runOps(["invoke", "ops-local-nope", "status", "--env", "local"], {
      OPS_HOME: home,
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Function 'ops-local-nope' was not found in eu-west-1.");
    expect(run.stderr).toContain("Next: Check 'function-name'");
  });
});
