import { beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseConfig } from "../../lambdas/kit/database.ts";
import { createLambdaHandler } from "../../lambdas/kit/lambda-handler.ts";
import { createMigrationFunction } from "../../lambdas/migration/function.ts";
import { buildManifest } from "../../lambdas/migration/manifest.ts";
import { captureOutput, jsonLines } from "../helpers/capture-output.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { EXAMPLE_MIGRATIONS } from "../helpers/run-cli.ts";

const PASSWORD = "Planted-Secret-7f3a9";
const context = { awsRequestId: "aws-req", getRemainingTimeInMillis: () => 600_000 } as never;

function migrationHandler(env: NodeJS.ProcessEnv) {
  return createLambdaHandler(
    createMigrationFunction({
      manifest: () => buildManifest(EXAMPLE_MIGRATIONS),
      connection: () => resolveDatabaseConfig({ env, applicationName: "test/migration" }),
    }),
    { env },
  );
}

describe("migration Lambda handler on real PostgreSQL", () => {
  let goodUrl: string;
  let badUrl: string;

  beforeAll(async () => {
    const url = new URL(await createTestDatabase());
    const role = `app_${Math.random().toString(36).slice(2, 8)}`;
    await withClient(url.toString(), async (client) => {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
      await client.query(`GRANT ALL ON SCHEMA public TO ${role}`);
      await client.query(`ALTER DATABASE ${url.pathname.slice(1)} OWNER TO ${role}`);
    });
    url.username = role;
    url.password = PASSWORD;
    goodUrl = url.toString();
    url.password = `${PASSWORD}-wrong`;
    badUrl = url.toString();
  });

  it("migrates through the envelope and never logs the password from DATABASE_URL or params", async () => {
    const handler = migrationHandler({ DATABASE_URL: goodUrl });
    const event = {
      operation: "migrate",
      requestId: "handler-run-1",
      context: { actor: "octocat", environment: "staging", source: "github-actions" },
    };
    const { result, lines } = await captureOutput(() => handler(event, context));
    expect(result).toMatchObject({
      ok: true,
      data: { applied: expect.arrayContaining(["20240101090000"]) },
    });
    const logs = jsonLines(lines);
    expect(logs.some((line) => line.kind === "audit" && line.ok === true)).toBe(true);
    expect(logs.some((line) => "MigrationDuration" in line && line.MigrationType)).toBe(true);

    const leaky = { operation: "status", params: { password: PASSWORD } };
    const rejected = await captureOutput(() => handler(leaky, context));
    expect(rejected.result).toMatchObject({
      ok: false,
      error: { code: "INVALID_REQUEST", details: { field: "params.password" } },
    });

    const everything = [
      ...lines,
      ...rejected.lines,
      JSON.stringify(result),
      JSON.stringify(rejected.result),
    ].join("\n");
    expect(everything).not.toContain(PASSWORD);
  });

  it("reports a wrong password as a handled failure without the password anywhere", async () => {
    const handler = migrationHandler({ DATABASE_URL: badUrl });
    const { result, lines } = await captureOutput(() => handler({ operation: "status" }, context));
    expect(result).toMatchObject({ ok: false });
    const everything = `${lines.join("\n")}\n${JSON.stringify(result)}`;
    expect(everything).not.toContain(PASSWORD);
  });

  it("returns the recorded outcome for a repeated requestId", async () => {
    const handler = migrationHandler({ DATABASE_URL: goodUrl });
    const event = { operation: "migrate", requestId: "handler-run-1" };
    const { result } = await captureOutput(() => handler(event, context));
    expect(result).toMatchObject({
      ok: true,
      data: { applied: expect.arrayContaining(["20240101090000"]) },
    });
    expect((result as unknown as { warnings: string[] }).warnings.join(" ")).toMatch(
      /replay|already/i,
    );
  });

  it("answers a warm-up ping without opening a connection", async () => {
    const handler = migrationHandler({ DATABASE_URL: "postgres://nobody:x@127.0.0.1:1/none" });
    const { result } = await captureOutput(() => handler({ warmup: true }, context));
    expect(result).toMatchObject({ ok: true, warmup: true, function: "migration" });
  });
});
