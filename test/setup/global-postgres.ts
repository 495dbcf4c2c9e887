import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../cli/local/embedded-postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a server on which each test file creates its own database. */
    pgAdminUrl: string;
  }
}

/**
 * One PostgreSQL server per test run: the one `DATABASE_URL` points at, or an embedded server in a
 * temporary folder that is removed afterwards.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide("pgAdminUrl", process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "ops-test-pg-"));
  // The server runs as the unprivileged `postgres` user when tests run as root.
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dir, persistent: false });
  project.provide("pgAdminUrl", server.adminUrl);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
