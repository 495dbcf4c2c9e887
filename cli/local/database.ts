import { existsSync } from "node:fs";
import path from "node:path";
import { opsHome } from "./paths.ts";

/** The database a CLI command works on, and how to let go of it. */
export interface CliDatabase {
  readonly url: string;
  /** True when it is the local stack's embedded server. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** Name of the application database on the local stack's server. */
export const LOCAL_DATABASE = "app";

/**
 * The database URL a command was given (`--database-url`, else `DATABASE_URL`), or undefined when
 * it will use the local stack.
 *
 * @example
 * givenDatabaseUrl(undefined, { DATABASE_URL: "postgres://db/app" }); // "postgres://db/app"
 */
export function givenDatabaseUrl(
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  return (databaseUrl ?? env.DATABASE_URL) || undefined;
}

/**
 * The database for a CLI command: `--database-url`, else `DATABASE_URL`, else the local stack's
 * embedded PostgreSQL (started for the command unless `ops local start` already runs it).
 *
 * @example
 * const db = await openCliDatabase({ env: process.env, progress: console.error });
 * try { … db.url … } finally { await db.close(); }
 */
export async function openCliDatabase(options: {
  databaseUrl?: string | undefined;
  env: NodeJS.ProcessEnv;
  progress: (message: string) => void;
}): Promise<CliDatabase> {
  const given = givenDatabaseUrl(options.databaseUrl, options.env);
  if (given) return { url: given, embedded: false, close: async () => {} };
  const dir = path.join(opsHome(options.env), "postgres");
  if (!existsSync(path.join(dir, "data", "PG_VERSION"))) {
    options.progress(
      `Creating the local PostgreSQL cluster in ${path.relative(process.cwd(), dir) || dir} (first run only)…`,
    );
  }
  // Loaded only when needed: a command given a database URL never pays for it.
  const { ensureDatabase, startEmbeddedPostgres } = await import("./embedded-postgres.ts");
  const server = await startEmbeddedPostgres({ dir });
  try {
    const url = await ensureDatabase(server.adminUrl, LOCAL_DATABASE);
    return { url, embedded: true, close: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
