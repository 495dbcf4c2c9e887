import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHealthCheck } from "../../lambdas/health-check/health.ts";
import type { Check, HealthCheckDeps } from "../../lambdas/health-check/types.ts";
import { createTestContext } from "../../lambdas/kit/context.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { createTestDatabase } from "../helpers/database.ts";

const run = promisify(execFile);

interface TlsServer {
  readonly url: string;
  readonly cert: string;
}

const servers: (http.Server | https.Server)[] = [];
let tempDir: string;
let plain: string;
let tls: Record<"expiresIn3Days" | "expiresIn20Days" | "expiresIn400Days", TlsServer>;

/** Routes of the application under check. */
function app(req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  switch (req.url) {
    case "/health":
      json(200, { status: "ok", version: "1.4.0", build: { sha: "abc123" } });
      break;
    case "/down":
      json(503, { status: "down" });
      break;
    case "/slow":
      setTimeout(() => json(200, { status: "ok" }), 600);
      break;
    case "/hang":
      break; // never answers
    default:
      res.writeHead(404).end();
  }
}

async function listen(server: http.Server | https.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A self-signed certificate for 127.0.0.1, valid for `days` from now, made with the openssl CLI. */
async function selfSignedCertificate(days: number): Promise<{ key: string; cert: string }> {
  const keyFile = path.join(tempDir, `key-${days}.pem`);
  const certFile = path.join(tempDir, `cert-${days}.pem`);
  const args = `req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days ${days} -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`;
  await run("openssl", [...args.split(" "), "-keyout", keyFile, "-out", certFile]);
  return { key: await readFile(keyFile, "utf8"), cert: await readFile(certFile, "utf8") };
}

async function tlsServer(days: number): Promise<TlsServer> {
  const { key, cert } = await selfSignedCertificate(days);
  const port = await listen(https.createServer({ key, cert }, app));
  return { url: `https://127.0.0.1:${port}`, cert };
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), "ops-health-tls-"));
  plain = `http://127.0.0.1:${await listen(http.createServer(app))}`;
  const [in3, in20, in400] = await Promise.all([tlsServer(3), tlsServer(20), tlsServer(400)]);
  tls = { expiresIn3Days: in3, expiresIn20Days: in20, expiresIn400Days: in400 };
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(tempDir, { recursive: true, force: true });
});

const ctx = createTestContext();
/** Latency budget for checks expected to pass: a loaded CI machine must not turn them red. */
const SLACK_MS = 30_000;

function deps(overrides: Partial<HealthCheckDeps> = {}): HealthCheckDeps {
  return { env: {}, trustedCa: Object.values(tls).map((s) => s.cert), ...overrides };
}

async function failedRun(
  params: unknown,
  runDeps = deps(),
): Promise<{ error: OpsError; checks: Check[] }> {
  const error = await runHealthCheck(params, runDeps, ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpsError);
  const opsError = error as OpsError;
  expect(opsError.code).toBe("HEALTH_CHECK_FAILED");
  return { error: opsError, checks: opsError.data?.checks as Check[] };
}

describe("endpoint health checks", () => {
  it("passes a healthy endpoint with the expected version and JSON field", async () => {
    const outcome = await runHealthCheck(
      {
        endpoints: [
          {
            name: "api",
            url: `${plain}/health`,
            latencyBudgetMs: SLACK_MS,
            version: "1.4.0",
            json: { path: "build.sha", equals: "abc123" },
          },
        ],
      },
      deps(),
      ctx,
    );

    const [check] = outcome.data.checks;
    expect(check).toMatchObject({ name: "api", status: "ok" });
    expect(check?.measured).toMatchObject({
      httpStatus: 200,
      "json.version": "1.4.0",
      "json.build.sha": "abc123",
    });
    expect(check?.measured.latencyMs).toBeTypeOf("number");
    expect(outcome.summary).toBe("Health check passed: 1 check ok");
  });

  it("fails a wrong status and names the failing check in the error", async () => {
    const { error, checks } = await failedRun({
      endpoints: [
        { name: "api", url: `${plain}/health`, latencyBudgetMs: SLACK_MS },
        { name: "billing", url: `${plain}/down` },
      ],
    });

    expect(error.message).toMatch(/^Health check failed: billing \(1 of 2 checks\)/);
    expect(error.message).toContain("Returned HTTP 503, expected 200");
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["api", "ok"],
      ["billing", "fail"],
    ]);
  });

  it("accepts the status an endpoint is expected to return", async () => {
    const outcome = await runHealthCheck(
      { endpoints: [{ url: `${plain}/down`, latencyBudgetMs: SLACK_MS, expectStatus: 503 }] },
      deps(),
      ctx,
    );

    expect(outcome.data.checks[0]?.status).toBe("ok");
  });

  it("fails an endpoint slower than twice its latency budget", async () => {
    const { checks } = await failedRun({
      endpoints: [{ name: "slow", url: `${plain}/slow`, latencyBudgetMs: 100 }],
    });

    expect(checks[0]?.measured.latencyMs).toBeGreaterThanOrEqual(500);
    expect(checks[0]?.message).toContain("more than twice its 100 ms budget");
  });

  it("warns when an answer is over its budget (latency read from the injected clock)", async () => {
    let tick = 0;
    const now = () => Date.parse("2026-03-01T12:00:00Z") + 1500 * tick++;

    const outcome = await runHealthCheck(
      { endpoints: [{ name: "api", url: `${plain}/health` }] },
      deps({ now }),
      ctx,
    );

    expect(outcome.data.checks[0]).toMatchObject({ status: "warn", measured: { latencyMs: 1500 } });
    expect(outcome.warnings).toEqual([
      expect.stringMatching(/^api: Answered in 1500 ms, over its 1000 ms budget/),
    ]);
  });

  it("fails an endpoint that does not answer within its timeout", async () => {
    const { checks } = await failedRun({
      endpoints: [{ name: "hang", url: `${plain}/hang`, timeoutMs: 300 }],
    });

    expect(checks[0]?.measured).toMatchObject({ httpStatus: null, error: "ETIMEDOUT" });
    expect(checks[0]?.message).toContain("No complete response within 300 ms");
  });

  it("fails a JSON version mismatch naming the expected and the actual version", async () => {
    const { error } = await failedRun({
      endpoints: [{ name: "api", url: `${plain}/health`, version: "1.5.0" }],
    });

    expect(error.message).toContain(`JSON field 'version' is "1.4.0", expected "1.5.0"`);
  });

  it("fails a refused connection", async () => {
    const { checks } = await failedRun({
      endpoints: [{ name: "gone", url: "http://127.0.0.1:1/health" }],
    });

    expect(checks[0]?.message).toContain("ECONNREFUSED");
  });

  it("reads the certificate's days to expiry from the same https request", async () => {
    const outcome = await runHealthCheck(
      {
        endpoints: [
          {
            name: "tls",
            url: `${tls.expiresIn400Days.url}/health`,
            latencyBudgetMs: SLACK_MS,
            version: "1.4.0",
          },
        ],
      },
      deps(),
      ctx,
    );

    const [check] = outcome.data.checks;
    expect(check?.status).toBe("ok");
    expect(check?.measured.certDaysToExpiry).toBeGreaterThan(399);
    expect(check?.measured.certDaysToExpiry).toBeLessThanOrEqual(400);
    expect(check?.measured.certSubject).toBe("127.0.0.1");
  });

  it("warns about a certificate expiring within 30 days and fails one within 7", async () => {
    const { error, checks } = await failedRun({
      endpoints: [
        { name: "in-20-days", url: `${tls.expiresIn20Days.url}/health`, latencyBudgetMs: SLACK_MS },
        { name: "in-3-days", url: `${tls.expiresIn3Days.url}/health` },
      ],
    });

    const [in20, in3] = checks;
    expect(in20?.status).toBe("warn");
    expect(in20?.measured.certDaysToExpiry).toBeCloseTo(20, 0);
    expect(in20?.message).toContain("under the 30-day limit");
    expect(in3?.status).toBe("fail");
    expect(in3?.message).toMatch(
      /TLS certificate for 127\.0\.0\.1 expires in 3 days .*under the 7-day limit: renew it/,
    );
    expect(error.details).toEqual({ failed: ["in-3-days"], warned: ["in-20-days"] });
  });

  it("honours overridden certificate thresholds", async () => {
    const outcome = await runHealthCheck(
      {
        endpoints: [{ url: `${tls.expiresIn20Days.url}/health`, latencyBudgetMs: SLACK_MS }],
        thresholds: { certWarnDays: 10, certFailDays: 2 },
      },
      deps(),
      ctx,
    );

    expect(outcome.data.checks[0]?.status).toBe("ok");
  });

  it("fails an https endpoint whose certificate is not trusted", async () => {
    const { checks } = await failedRun(
      { endpoints: [{ name: "untrusted", url: `${tls.expiresIn400Days.url}/health` }] },
      deps({ trustedCa: undefined }),
    );

    expect(checks[0]?.message).toContain(
      "TLS verification of 127.0.0.1 failed (DEPTH_ZERO_SELF_SIGNED_CERT",
    );
  });

  it("checks the endpoints of HEALTH_ENDPOINTS when params name none", async () => {
    const env = {
      HEALTH_ENDPOINTS: JSON.stringify([{ name: "from-env", url: `${plain}/health` }]),
    };

    const fromEnv = await runHealthCheck({}, deps({ env }), ctx);
    const fromParams = await runHealthCheck(
      { endpoints: [{ name: "from-params", url: `${plain}/health` }] },
      deps({ env }),
      ctx,
    );

    expect(fromEnv.data.checks.map((c) => c.name)).toEqual(["from-env"]);
    expect(fromParams.data.checks.map((c) => c.name)).toEqual(["from-params"]);
  });

  it("checks the database and the endpoints in one run, recording metrics", async () => {
    const url = await createTestDatabase();
    const metrics: [string, number][] = [];
    const metricsCtx = createTestContext({
      metrics: {
        add: (name, _unit, value) => metrics.push([name, value]),
        addWithDimensions: (name, _unit, value) => metrics.push([name, value]),
      },
    });

    const outcome = await runHealthCheck(
      {
        endpoints: [{ name: "api", url: `${plain}/health`, latencyBudgetMs: SLACK_MS }],
        thresholds: { databaseRoundTripWarnMs: 10_000, databaseRoundTripFailMs: 20_000 },
      },
      deps({ database: { connectionString: url } }),
      metricsCtx,
    );

    expect(outcome.data.checks.map((c) => c.name)).toEqual([
      "database",
      "database.connections",
      "database.longest-query",
      "database.oldest-transaction",
      "database.replication-lag",
      "api",
    ]);
    expect(outcome.data.counts).toEqual({ ok: 6, warn: 0, fail: 0 });
    expect(metrics.map(([name]) => name).sort()).toEqual([
      "DatabaseRoundTrip",
      "EndpointLatency",
      "HealthChecksFailed",
      "HealthChecksWarned",
    ]);
  });

  it.each([
    [
      { endpoints: [{ url: `http://127.0.0.1/ok` }, { url: "ftp://127.0.0.1/x" }] },
      "params.endpoints[1].url",
    ],
    [
      { endpoints: [{ url: "http://127.0.0.1/ok", latencyBudgetMs: "fast" }] },
      "params.endpoints[0].latencyBudgetMs",
    ],
    [{}, "params.endpoints"],
  ])("rejects bad params with INVALID_REQUEST naming the field (%o)", async (params, field) => {
    const error = (await runHealthCheck(params, deps(), ctx).catch((e: unknown) => e)) as OpsError;

    expect(error).toBeInstanceOf(OpsError);
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.details.field).toBe(field);
  });
});
