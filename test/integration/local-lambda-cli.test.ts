import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, rm } from "node:fs/promises";
import path from "node:path";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  eventually,
  localLambdaClient,
  payloadJson,
  payloadText,
  temporaryHome,
} from "../fixtures/lambdas/harness.ts";
import { runOps } from "../helpers/run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** `export NAME=value` lines → { NAME: value } (single-quoted values unquoted). */
function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) {
    const [, name = "", raw = ""] = match;
    env[name] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw;
  }
  return env;
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe("ops local start (as a process)", () => {
  let child: ChildProcess | undefined;
  let home: string | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("prints the exports, serves invocations through them, and stops PostgreSQL and exits 0 on SIGTERM", async () => {
    home = await temporaryHome();
    await chmod(home, 0o755); // PostgreSQL runs as the `postgres` user when tests run as root
    const env: NodeJS.ProcessEnv = { ...process.env, OPS_HOME: home, NO_COLOR: "1" };
    delete env.DATABASE_URL;
    const ops = spawn(
      process.execPath,
      [path.join(ROOT, "bin/ops.js"), "local", "start", "--port", "0"],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = ops;
    let stdout = "";
    let stderr = "";
    ops.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    ops.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      ops.once("exit", (code) => resolve(code)),
    );

    const exports = await eventually(() => {
      if (ops.exitCode !== null) throw new Error(`ops local start exited early:\n${stderr}`);
      const parsed = parseExports(stdout);
      return parsed.DATABASE_URL ? parsed : undefined;
    }, 150_000);
    expect(Object.keys(exports)).toEqual(
      expect.arrayContaining([
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "DATABASE_URL",
      ]),
    );
    const lambda = localLambdaClient(exports.AWS_ENDPOINT_URL_LAMBDA ?? "", exports.AWS_REGION);
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "ops-local-health-check",
        Payload: payloadText({ operation: "check" }),
      }),
    );
    lambda.destroy();
    expect(payloadJson(out.Payload)).toMatchObject({ ok: true, function: "health-check" });
    expect(existsSync(path.join(home, "local-stack.json"))).toBe(true);

    ops.kill("SIGTERM");

    expect(await exited).toBe(0);
    expect(stderr).toContain("ops-local-health-check | REPORT RequestId:");
    expect(await accepts(exports.DATABASE_URL ?? "")).toBe(false);
    expect(existsSync(path.join(home, "postgres/data/postmaster.pid"))).toBe(false);
    expect(existsSync(path.join(home, "local-stack.json"))).toBe(false);
  }, 240_000);

  it.each([
    ["local", "expected 'ops local start"],
    ["local stop", "got 'stop'"],
    ["local start --port 70000", "--port must be a port number from 0 to 65535"],
  ])("rejects `ops %s` with exit code 2 and the reason", async (command, reason) => {
    const run = await runOps(command.split(" "));

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(reason);
  });
});
