import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import { buildManifest, writeManifest } from "../../lambdas/migration/manifest.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { type ActionRun, errorLines, runActionBundle } from "../helpers/run-action.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUNDLE = path.join(ROOT, "actions/invoke/dist/index.js");
const SIGNING_KEY = "e2e-signing-key-5f0c1d2e3b4a69788796a5b4";

/** A function that fails the ways only bugs and timeouts do. */
const FAULTY_HANDLER = `export const handler = async (event) => {
  if (event.operation === "crash") throw new TypeError("Cannot read properties of undefined (reading 'rows')");
  if (event.operation === "hang") await new Promise((resolve) => setTimeout(resolve, 10_000));
  return { ok: true, function: "faulty", operation: event.operation, requestId: event.requestId, summary: "fine", data: {}, warnings: [] };
};
`;

let dir: string;
let stack: LocalStack;
let fixtures: LocalStack;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "invoke-action-e2e-"));
  const databaseUrl = await createTestDatabase();
  stack = await startLocalStack({ databaseUrl, home: path.join(dir, "stack") });
  const manifest = path.join(dir, "manifest.json");
  await writeManifest(
    await buildManifest(path.join(ROOT, "lambdas/migration/migrations")),
    manifest,
  );
  await writeFile(path.join(dir, "faulty.mjs"), FAULTY_HANDLER);
  fixtures = await startLocalStack({
    databaseUrl,
    home: path.join(dir, "fixtures"),
    functions: [
      { name: "ops-local-faulty", codeFile: path.join(dir, "faulty.mjs"), timeout: 1 },
      {
        name: "ops-local-signed-migration",
        codeFile: path.join(ROOT, "lambdas/migration/handler.ts"),
        timeout: 60,
        environment: { OPS_SIGNING_KEY: SIGNING_KEY, OPS_MIGRATION_MANIFEST: manifest },
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await fixtures?.stop();
  await rm(dir, { recursive: true, force: true });
});

let step = 0;

/** Runs the bundle like the runner against the local stack (or another Lambda endpoint). */
function runAction(
  inputs: Record<string, string>,
  endpoint: string = stack.endpointUrl,
): Promise<ActionRun> {
  step += 1;
  return runActionBundle(BUNDLE, inputs, {
    dir,
    env: {
      ...stack.env,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_JOB: "e2e",
      GITHUB_ACTION: `step-${step}`,
      GITHUB_ACTOR: "octocat",
    },
  });
}

const MIGRATION = { "function-name": "migration", environment: "local" };

describe("actions/invoke (built bundle) against the local stack", () => {
  it("applies the migrations and reports success in outputs and the job summary", async () => {
    const run = await runAction({ ...MIGRATION, operation: "migrate", params: "{}" });

    expect(run.code).toBe(0);
    expect(errorLines(run.stdout)).toEqual([]);
    expect(run.outputs).toMatchObject({
      ok: "true",
      "status-code": "200",
      "function-error": "",
      "executed-version": "$LATEST",
    });
    const result = JSON.parse(run.outputs.result as string);
    expect(result).toMatchObject({ ok: true, function: "migration", operation: "migrate" });
    expect(result.data.applied.length).toBeGreaterThan(0);
    expect(run.outputs["request-id"]).toMatch(/^gh-4242-1-e2e-step-\d+-[0-9a-f]{12}$/);
    expect(result.requestId).toBe(run.outputs["request-id"]);
    expect(Number(run.outputs["duration-ms"])).toBeGreaterThan(0);
    expect(run.outputs["log-tail"]).toContain("REPORT RequestId");
    expect(run.summary).toContain("✅ succeeded");
    expect(run.summary).toContain("| **Function** | ops-local-migration |");
    expect(run.summary).toContain(`- Applied: ${result.data.applied[0]}`);
    expect(run.stdout).toContain("::group::Log tail");
  });

  it("fails the step on a handled failure with the code, message and next step", async () => {
    const run = await runAction({ ...MIGRATION, operation: "status", params: "bogus: 1" });

    expect(run.code).toBe(1);
    expect(run.outputs.ok).toBe("false");
    const [line] = errorLines(run.stdout);
    expect(line).toMatch(/^::error::INVALID_REQUEST: .*bogus.* Next: /);
    expect(run.summary).toContain("### Error INVALID\\_REQUEST");
  });

  it("fails the step on an unhandled error with errorType and errorMessage, log tail in a group", async () => {
    const run = await runAction(
      { "function-name": "ops-local-faulty", operation: "crash" },
      fixtures.endpointUrl,
    );

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ ok: "false", "function-error": "Unhandled" });
    expect(errorLines(run.stdout)).toEqual([
      "::error::ops-local-faulty failed with TypeError: Cannot read properties of undefined (reading 'rows')",
    ]);
    expect(run.stdout).toContain("::group::Log tail");
    expect(run.summary).toContain("💥 function error");
  });

  it("reports a function timeout as Lambda does", async () => {
    const run = await runAction(
      { "function-name": "ops-local-faulty", operation: "hang" },
      fixtures.endpointUrl,
    );

    expect(run.code).toBe(1);
    expect(run.outputs["function-error"]).toBe("Unhandled");
    expect(errorLines(run.stdout)[0]).toMatch(
      /^::error::ops-local-faulty failed with Sandbox\.Timedout: .*Task timed out after 1\.00 seconds/,
    );
  });

  it("fails on an unknown function, naming it, without invoking", async () => {
    const run = await runAction({ "function-name": "ops-local-nope", operation: "status" });

    expect(run.code).toBe(1);
    expect(run.outputs.ok).toBe("false");
    expect(errorLines(run.stdout)[0]).toMatch(
      /^::error::Function 'ops-local-nope' was not found in eu-west-1\. Next: Check 'function-name'/,
    );
    expect(run.summary).toContain("FUNCTION\\_NOT\\_FOUND");
  });

  it("rejects bad params with one line before any request reaches the endpoint", async () => {
    const requests: string[] = [];
    const server: Server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const run = await runAction(
        { ...MIGRATION, operation: "migrate", params: '{"to": ' },
        endpoint,
      );

      expect(run.code).toBe(1);
      expect(errorLines(run.stdout)).toEqual([
        "::error::Input 'params' must be a JSON or YAML object, got '{\"to\":' (Flow map must end with a })",
      ]);
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("retries an invocation throttled twice, then succeeds", async () => {
    stack.throttle("ops-local-migration", 2);

    const run = await runAction({ ...MIGRATION, operation: "status" });

    expect(run.code).toBe(0);
    expect(run.outputs.ok).toBe("true");
    expect(
      run.stdout.match(/not accepted \(TooManyRequestsException\); the function did not run/g),
    ).toHaveLength(2);
    expect(run.summary).toContain("| **Attempts** | 3 (throttled before) |");
  });

  it("fails when an expectation does not hold, saying which and the actual value", async () => {
    const run = await runAction({
      ...MIGRATION,
      operation: "status",
      expect: "ok == true\ndata.counts.failed >= 100",
    });

    expect(run.code).toBe(1);
    expect(run.outputs.ok).toBe("false");
    expect(errorLines(run.stdout)[0]).toMatch(
      /^::error::Expectation 'data\.counts\.failed >= 100' failed: (actual value \d+|the path does not exist)$/,
    );
    expect(run.summary).toContain("### Expectations failed");
  });

  it("signs the envelope so the function accepts it, and masks the key everywhere", async () => {
    const run = await runAction(
      {
        "function-name": "ops-local-signed-migration",
        operation: "status",
        "signing-key": SIGNING_KEY,
      },
      fixtures.endpointUrl,
    );

    expect(run.code).toBe(0);
    expect(run.outputs.ok).toBe("true");
    expect(run.stdout).toContain(`::add-mask::${SIGNING_KEY}`);
    const unmasked = run.stdout.replace(`::add-mask::${SIGNING_KEY}`, "");
    expect(unmasked).not.toContain(SIGNING_KEY);
    expect(JSON.stringify(run.outputs)).not.toContain(SIGNING_KEY);
    expect(run.summary).not.toContain(SIGNING_KEY);
  });

  it("has an envelope signed with another key rejected as UNAUTHORIZED", async () => {
    const wrongKey = "not-the-functions-key-0123456789";

    const run = await runAction(
      {
        "function-name": "ops-local-signed-migration",
        operation: "status",
        "signing-key": wrongKey,
      },
      fixtures.endpointUrl,
    );

    expect(run.code).toBe(1);
    expect(errorLines(run.stdout)[0]).toMatch(
      /^::error::UNAUTHORIZED: Rejected: the signature does not match the event\./,
    );
  });

  it("has an unsigned envelope rejected by a function that requires signatures", async () => {
    const run = await runAction(
      { "function-name": "ops-local-signed-migration", operation: "status" },
      fixtures.endpointUrl,
    );

    expect(run.code).toBe(1);
    expect(errorLines(run.stdout)[0]).toMatch(
      /^::error::UNAUTHORIZED: Rejected: the event is not signed/,
    );
  });
});
