import { existsSync, readFileSync } from "node:fs";
import type { ClientConfig } from "pg";
import { OpsError } from "./errors.ts";
import { registerSecret } from "./redact.ts";

/** The RDS secret JSON shape stored in Secrets Manager. */
interface RdsSecret {
  username: string;
  password: string;
  host: string;
  port?: number | string;
  dbname?: string;
}

export interface DatabaseSource {
  readonly env: NodeJS.ProcessEnv;
  /** Reads a secret string (Secrets Manager in AWS). */
  readonly loadSecret?: (arn: string) => Promise<string>;
  /** application_name shown in pg_stat_activity (and so in "lock held by …" messages). */
  readonly applicationName: string;
  /** Folder holding `rds-ca-bundle.pem`, shipped beside the Lambda bundle. */
  readonly caDir?: string;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * Resolves how to reach the database: `DATABASE_URL`, else `DATABASE_SECRET_ARN` (RDS secret JSON).
 * Non-loopback hosts always get TLS with certificate verification (RDS CA bundle when shipped).
 * The password is registered for redaction.
 *
 * @example
 * const config = await resolveDatabaseConfig({ env: process.env, applicationName: "ops-lambdas/migration" });
 */
export async function resolveDatabaseConfig(source: DatabaseSource): Promise<ClientConfig> {
  const { env } = source;
  if (env.DATABASE_URL) return configFromUrl(env.DATABASE_URL, source);
  if (env.DATABASE_SECRET_ARN) {
    const load = source.loadSecret ?? (await import("./secrets.ts")).getSecretString;
    return configFromSecret(await load(env.DATABASE_SECRET_ARN), env.DATABASE_SECRET_ARN, source);
  }
  throw new OpsError("DATABASE_NOT_CONFIGURED", "No database configured.", {
    hint: "Set DATABASE_URL, or DATABASE_SECRET_ARN to a Secrets Manager secret in the RDS JSON shape.",
  });
}

/**
 * Builds a pg client config from a connection URL, enforcing TLS for non-loopback hosts.
 *
 * @example
 * configFromUrl("postgres://app:pw@127.0.0.1:5432/app", { applicationName: "ops" });
 */
export function configFromUrl(
  connectionUrl: string,
  source: Pick<DatabaseSource, "applicationName" | "caDir">,
): ClientConfig {
  let url: URL;
  try {
    url = new URL(connectionUrl);
  } catch {
    throw new OpsError("DATABASE_NOT_CONFIGURED", "The database URL is not a valid URL.", {
      hint: "Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.",
    });
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new OpsError(
      "DATABASE_NOT_CONFIGURED",
      `The database URL must start with postgres://, got ${url.protocol}//`,
    );
  }
  const password = decodeURIComponent(url.password);
  registerSecret(password);
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || "postgres",
    password,
    database: decodeURIComponent(url.pathname.slice(1)) || "postgres",
    application_name: source.applicationName,
    ...tlsFor(url.hostname, source.caDir),
  };
}

function configFromSecret(text: string, arn: string, source: DatabaseSource): ClientConfig {
  let secret: RdsSecret;
  try {
    secret = JSON.parse(text);
  } catch {
    throw new OpsError("DATABASE_NOT_CONFIGURED", `Secret ${arn} is not JSON.`, {
      hint: 'Store the RDS secret shape: {"username","password","host","port","dbname"}.',
    });
  }
  for (const field of ["username", "password", "host"] as const) {
    if (typeof secret[field] !== "string" || secret[field] === "") {
      throw new OpsError("DATABASE_NOT_CONFIGURED", `Secret ${arn} has no '${field}'.`, {
        hint: 'Store the RDS secret shape: {"username","password","host","port","dbname"}.',
      });
    }
  }
  registerSecret(secret.password);
  return {
    host: secret.host,
    port: Number(secret.port ?? 5432),
    user: secret.username,
    password: secret.password,
    database: secret.dbname ?? "postgres",
    application_name: source.applicationName,
    ...tlsFor(secret.host, source.caDir),
  };
}

function tlsFor(host: string, caDir: string | undefined): Pick<ClientConfig, "ssl"> {
  if (LOOPBACK.has(host)) return {};
  const bundle = caDir ? `${caDir}/rds-ca-bundle.pem` : undefined;
  const ca = bundle && existsSync(bundle) ? readFileSync(bundle, "utf8") : undefined;
  // Verify the server certificate: a TLS connection without verification still lets a network
  // attacker read the migration's credentials.
  return { ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}) } };
}

/** Host and port of a config, for messages (never the password). */
export function describeDatabase(config: ClientConfig): string {
  return `${config.host ?? "?"}:${config.port ?? 5432}/${config.database ?? ""}`;
}
