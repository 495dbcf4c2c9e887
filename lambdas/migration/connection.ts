import pg from "pg";
import { OpsError } from "../kit/errors.ts";
import { redactText } from "../kit/redact.ts";
import type { EngineSettings } from "./options.ts";

const APPLICATION_NAME = "ops-migrate";

/**
 * The client config with the session timeouts as startup parameters: a `RESET` or `SET` inside a
 * migration cannot undo them, unlike timeouts set with SQL after connecting.
 *
 * @example
 * withStartupParameters({ connectionString: url }, settings).options;
 * // "-c lock_timeout=5000 -c statement_timeout=900000 -c idle_in_transaction_session_timeout=60000"
 */
export function withStartupParameters(
  config: pg.ClientConfig,
  settings: EngineSettings,
): pg.ClientConfig {
  const { connectionString, fromUrl } = takeOptionsFromUrl(config.connectionString);
  const timeouts = [
    `-c lock_timeout=${settings.lockTimeoutMs}`,
    `-c statement_timeout=${settings.statementTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${settings.idleInTransactionTimeoutMs}`,
  ];
  const options = [config.options, fromUrl, ...timeouts].filter(Boolean).join(" ");
  return {
    connectionTimeoutMillis: 10_000,
    // Queries queued together go out back to back; the engine awaits each where order matters.
    pipeline: true,
    application_name: APPLICATION_NAME,
    ...config,
    ...(connectionString === undefined ? {} : { connectionString }),
    options,
  };
}

/** `pg` lets an `options` query parameter of the URL override the config's; merge it instead. */
function takeOptionsFromUrl(connectionString: string | undefined): {
  connectionString: string | undefined;
  fromUrl: string | undefined;
} {
  if (connectionString === undefined || !connectionString.includes("options=")) {
    return { connectionString, fromUrl: undefined };
  }
  const url = new URL(connectionString);
  const fromUrl = url.searchParams.get("options") ?? undefined;
  url.searchParams.delete("options");
  return { connectionString: url.toString(), fromUrl };
}

/**
 * Connects with the engine's startup parameters. A connection error becomes `CONNECTION_FAILED`
 * (retryable), with the password never in the message.
 *
 * @example
 * const client = await openConnection(settings);
 * try { await client.query("SELECT 1"); } finally { await closeConnection(client); }
 */
export async function openConnection(settings: EngineSettings): Promise<pg.Client> {
  const client = new pg.Client(withStartupParameters(settings.connection, settings));
  // A terminated backend emits "error" on the client; without a listener Node would crash.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new OpsError(
      "CONNECTION_FAILED",
      `Could not connect to ${describeTarget(client)}: ${redactText(errorMessage(error))}`,
      {
        retryable: true,
        details: { host: client.host, port: client.port, database: client.database },
        hint: "Check the database URL, that the server is reachable, and the credentials.",
        cause: error,
      },
    );
  }
  return client;
}

/** Ends the client, ignoring a connection that is already gone. */
export async function closeConnection(client: pg.Client): Promise<void> {
  await client.end().catch(() => {});
}

const LOST_SQLSTATES = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006"]);

/**
 * Whether the error means the session is gone (terminated backend, reset socket): nothing more can
 * run on it, and the server has rolled back its open transaction and released its locks.
 *
 * @example
 * isConnectionLost({ code: "57P01" }); // true — pg_terminate_backend
 */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (LOST_SQLSTATES.has(code) || code.startsWith("ECONN"))) {
    return true;
  }
  const message = errorMessage(error);
  return /Connection terminated|not queryable|connection error|EPIPE/i.test(message);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeTarget(client: pg.Client): string {
  return `PostgreSQL at ${client.host}:${client.port}/${client.database}`;
}
