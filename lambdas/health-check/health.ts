import type { OperationContext } from "../kit/context.ts";
import { invalidRequest, OpsError } from "../kit/errors.ts";
import { checkDatabase } from "./checks/database.ts";
import { checkEndpoint } from "./checks/http.ts";
import { requestOnce } from "./checks/http-request.ts";
import { mapConcurrently } from "./concurrency.ts";
import { parseHealthCheckParams } from "./params.ts";
import type {
  Check,
  CheckStatus,
  HealthCheckDeps,
  HealthCheckOutcome,
  HealthCheckRequest,
} from "./types.ts";

/** Time kept back from the invocation's remaining time to report after the slowest check. */
const REPORT_MARGIN_MS = 1000;

/**
 * Checks the database (when `deps.database` is given) and the HTTP(S) endpoints of
 * `params.endpoints` — or of the `HEALTH_ENDPOINTS` variable (a JSON array) when params name none.
 *
 * Params: `{ endpoints?: EndpointSpec[], thresholds?: Partial<Thresholds>, concurrency?: number }`
 * (`concurrency`: endpoints requested at once, default 4, 1–20). Any failing check throws
 * `HEALTH_CHECK_FAILED` whose `data` holds every check; warnings go to `warnings`. Bad params
 * throw `INVALID_REQUEST` naming the field.
 *
 * @example
 * const { summary, data, warnings } = await runHealthCheck(
 *   { endpoints: [{ name: "api", url: "https://api.example.com/health", version: "1.4.0" }] },
 *   { database: { connectionString: process.env.DATABASE_URL } },
 *   ctx,
 * );
 * // summary: "Health check passed: 6 checks ok"; data.checks[0]: { name: "database", status: "ok", … }
 */
export async function runHealthCheck(
  params: unknown,
  deps: HealthCheckDeps,
  ctx: OperationContext,
): Promise<HealthCheckOutcome> {
  const request = parseHealthCheckParams(params, deps.env ?? process.env);
  if (request.endpoints.length === 0 && !deps.database) {
    throw invalidRequest(
      "params.endpoints",
      "is required when no database is configured and HEALTH_ENDPOINTS is not set",
    );
  }
  const now = deps.now ?? Date.now;
  const checkedAt = new Date(now()).toISOString();
  const checks = await runChecks(request, deps, ctx, now);
  recordMetrics(checks, ctx);
  return conclude(checks, checkedAt);
}

/** The database checks and the endpoint checks, run at the same time; database first in the result. */
async function runChecks(
  request: HealthCheckRequest,
  deps: HealthCheckDeps,
  ctx: OperationContext,
  now: () => number,
): Promise<Check[]> {
  const maxTimeoutMs = Math.max(1000, ctx.remainingTimeMs() - REPORT_MARGIN_MS);
  const { thresholds } = request;
  const endpointOptions = {
    thresholds,
    now,
    maxTimeoutMs,
    request: deps.request ?? requestOnce,
    ...(deps.trustedCa ? { trustedCa: deps.trustedCa } : {}),
  };
  const [databaseChecks, endpointChecks] = await Promise.all([
    deps.database ? checkDatabase(deps.database, { thresholds, now, maxTimeoutMs }) : [],
    mapConcurrently(request.endpoints, request.concurrency, (endpoint) =>
      checkEndpoint(endpoint, endpointOptions),
    ),
  ]);
  return [...databaseChecks, ...endpointChecks];
}

function conclude(checks: Check[], checkedAt: string): HealthCheckOutcome {
  const named = (status: CheckStatus) => checks.filter((c) => c.status === status);
  const [failed, warned] = [named("fail"), named("warn")];
  const counts = { ok: named("ok").length, warn: warned.length, fail: failed.length };
  const data = { checks, counts, checkedAt };
  if (failed.length > 0) {
    const names = failed.map((c) => c.name);
    throw new OpsError(
      "HEALTH_CHECK_FAILED",
      `Health check failed: ${names.join(", ")} (${failed.length} of ${checks.length} checks). ${failed.map((c) => `${c.name}: ${c.message}`).join(" ")}`,
      {
        data,
        // A health check measures a moment: running it again after a fix (or a blip) may pass.
        retryable: true,
        details: { failed: names, warned: warned.map((c) => c.name) },
        hint: "Each failing check's message says what to do; data.checks holds every measurement.",
      },
    );
  }
  const summary = `Health check passed: ${plural(counts.ok, "check")} ok${
    warned.length
      ? `, ${plural(warned.length, "warning")} (${warned.map((c) => c.name).join(", ")})`
      : ""
  }`;
  return { summary, data, warnings: warned.map((c) => `${c.name}: ${c.message}`) };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function recordMetrics(checks: readonly Check[], ctx: OperationContext): void {
  ctx.metrics.add("HealthChecksFailed", "Count", checks.filter((c) => c.status === "fail").length);
  ctx.metrics.add("HealthChecksWarned", "Count", checks.filter((c) => c.status === "warn").length);
  for (const check of checks) {
    const { roundTripMs, latencyMs } = check.measured;
    if (check.name === "database" && typeof roundTripMs === "number") {
      ctx.metrics.add("DatabaseRoundTrip", "Milliseconds", roundTripMs);
    }
    if (typeof latencyMs === "number") {
      ctx.metrics.addWithDimensions("EndpointLatency", "Milliseconds", latencyMs, {
        endpoint: check.name,
      });
    }
  }
}
