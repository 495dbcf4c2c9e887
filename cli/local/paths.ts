import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository (package) root: where `infra/`, `lambdas/` and `.ops/` live. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Folder for local state (embedded PostgreSQL data, invocation history). `OPS_HOME` overrides. */
export function opsHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.OPS_HOME ?? path.join(PACKAGE_ROOT, ".ops"));
}

/** The migrations the Lambda bundles: the default `--dir`. */
export const DEFAULT_MIGRATIONS_DIR = path.join(PACKAGE_ROOT, "lambdas/migration/migrations");
