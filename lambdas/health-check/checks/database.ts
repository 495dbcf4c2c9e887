import pg from "pg";
import { describeError, errorCode } from "../describe-error.ts";
import { redactSecret } from "../redact.ts";
import type { Thresholds } from "../thresholds.ts";
import type { Check } from "../types.ts";
import { gradeDatabase } from "./database-grade.ts";
import { sampleDatabase } from "./database-sample.ts";

export interface DatabaseCheckOptions {
  readonly thresholds: Thresholds;
  /** Wall clock in epoch ms. */
  readonly now: () => number;
  /** Upper bound on the connect and statement timeouts, e.g. the time left in the invocation. */
  readonly maxTimeoutMs: number;
}

/** Short defaults so a hung database fails the check quickly; the given config may override them. */
const TIMEOUTS = { connectMs: 5000, statementMs: 5000, queryMs: 8000 };
const CLOSE_WAIT_MS = 2000;

/**
 * Connects to the database and grades it (see `gradeDatabase`). Never throws: when the database
 * cannot be reached or queried, the result is one failed `database` check naming host and port.
 * The connection is always closed.
 *
 * @example
 * const checks = await checkDatabase({ connectionString: process.env.DATABASE_URL }, {
 *   thresholds: DEFAULT_THRESHOLDS, now: Date.now, maxTimeoutMs: 10_000,
 * });
 */
export async function checkDatabase(
  config: pg.ClientConfig,
  options: DatabaseCheckOptions,
): Promise<Check[]> {
  const client = new pg.Client(withTimeouts(config, options.maxTimeoutMs));
  // A connection dropped mid-check surfaces as the failing query's error; without a listener the
  // client's 'error' event would crash the process.
  client.on("error", () => {});
  const target = `${client.host}:${client.port}`;
  const started = options.now();
  let stage: "connect" | "query" = "connect";
  try {
    await client.connect();
    stage = "query";
    const connectMs = options.now() - started;
    const sample = await sampleDatabase(client, { target, connectMs, now: options.now });
    return gradeDatabase(sample, options.thresholds);
  } catch (error) {
    return [databaseFailed(client, error, stage)];
  } finally {
    await closeQuietly(client);
  }
}

function withTimeouts(config: pg.ClientConfig, maxTimeoutMs: number): pg.ClientConfig {
  const cap = (ms: number) => Math.max(500, Math.min(ms, maxTimeoutMs));
  return {
    connectionTimeoutMillis: cap(TIMEOUTS.connectMs),
    statement_timeout: cap(TIMEOUTS.statementMs),
    query_timeout: cap(TIMEOUTS.queryMs),
    application_name: "ops-health-check",
    ...config,
  };
}

function databaseFailed(client: pg.Client, error: unknown, stage: "connect" | "query"): Check {
  const target = `${client.host}:${client.port}`;
  const reason = redactSecret(describeError(error), client.password);
  const where = `PostgreSQL at ${target} (database ${client.database ?? "default"}, user ${client.user ?? "default"})`;
  return {
    name: "database",
    status: "fail",
    measured: {
      target,
      database: client.database ?? null,
      stage,
      error: errorCode(error) ?? "ERROR",
    },
    thresholds: {},
    message:
      stage === "connect"
        ? `Cannot connect to ${where}: ${reason}. Check that the server is running, that this network can reach it (security group, subnet, DNS) and that the credentials are current.`
        : `Connected to ${where}, but the health queries failed: ${reason}. Check the server's load and that the role may read pg_stat_activity.`,
  };
}

async function closeQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref();
  });
  await Promise.race([client.end().catch(() => {}), waited]);
  clearTimeout(timer);
}
