import path from "node:path";
import { configFromUrl } from "../../lambdas/kit/database.ts";
import { createMigrationFunction } from "../../lambdas/migration/function.ts";
import type { MigrationIndex, MigrationManifest } from "../../lambdas/migration/types.ts";
import { parseCommandArgs, positiveInteger } from "../args.ts";
import { type CliDatabase, givenDatabaseUrl, openCliDatabase } from "../local/database.ts";
import { buildManifestCached, readMigrationIndexCached } from "../local/manifest-cache.ts";
import { DEFAULT_MIGRATIONS_DIR } from "../local/paths.ts";
import { migrateRenderers } from "../migrate-renderers.ts";
import { type CliIo, runOperationCommand } from "../run-operation.ts";
import { UsageError } from "../usage.ts";

/** `ops migrate <sub>` → the migration function's operation. */
const OPERATIONS: Record<string, string> = {
  status: "status",
  plan: "plan",
  up: "migrate",
  down: "rollback",
  validate: "validate",
  repair: "repair",
};

/** `ops migrate`'s subcommands. */
export const MIGRATE_SUBCOMMANDS = Object.keys(OPERATIONS);

/**
 * `ops migrate status|plan|up|down|validate|repair`: the migration Lambda's operations, run
 * in-process on the migrations of `--dir` (default: the ones the Lambda bundles).
 */
export async function migrateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    dir: { type: "string" },
    "database-url": { type: "string" },
    to: { type: "string" },
    steps: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "allow-out-of-order": { type: "boolean", default: false },
    "no-rollback-on-failure": { type: "boolean", default: false },
    "accept-edited-checksums": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  });
  const [sub, ...extra] = positionals;
  if (sub === undefined)
    throw new UsageError(`missing subcommand: one of ${Object.keys(OPERATIONS).join(" | ")}`);
  const operation = OPERATIONS[sub];
  if (!operation)
    throw new UsageError(
      `unknown subcommand '${sub}': one of ${Object.keys(OPERATIONS).join(" | ")}`,
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (values.to !== undefined && !/^\d+$/.test(values.to)) {
    throw new UsageError(`--to must be a migration version (digits), got '${values.to}'`);
  }
  const steps = positiveInteger("steps", values.steps);
  const json = values.json ?? false;
  const dir = path.resolve(values.dir ?? DEFAULT_MIGRATIONS_DIR);

  const params: Record<string, unknown> = {};
  if (values.to !== undefined) params.to = values.to;
  if (steps !== undefined) params.steps = steps;
  if (values["allow-out-of-order"]) params.allowOutOfOrder = true;
  if (values["no-rollback-on-failure"]) params.rollbackOnFailure = false;
  if (values["accept-edited-checksums"]) params.acceptEditedChecksums = true;

  // Parse the directory before touching any database: a malformed migration set applies nothing.
  // `status` reads only the index (no SQL) while the cached one is current. It applies nothing
  // either way, so given a database URL it reads the index while its connection is being set up;
  // the local stack is started only for a readable directory.
  const readWhileConnecting =
    operation === "status" && givenDatabaseUrl(values["database-url"], io.env) !== undefined;
  let manifest: MigrationManifest | undefined;
  let index: MigrationIndex | undefined;
  let invalid: unknown;
  try {
    if (operation !== "status") index = manifest = await buildManifestCached(dir, io.env);
    else if (!readWhileConnecting) index = await readMigrationIndexCached(dir, io.env);
  } catch (error) {
    invalid = error;
  }
  let db: CliDatabase | undefined;
  if (index || readWhileConnecting) {
    db = await openCliDatabase({
      databaseUrl: values["database-url"],
      env: io.env,
      progress: json ? () => {} : io.stdout,
    });
  }
  try {
    const url = db?.url;
    const fn = createMigrationFunction({
      manifest: async () => {
        if (!manifest) throw invalid;
        return manifest;
      },
      index: readWhileConnecting
        ? () => readMigrationIndexCached(dir, io.env)
        : async () => {
            if (!index) throw invalid;
            return index;
          },
      connection: async () => configFromUrl(url as string, { applicationName: "ops-cli/migrate" }),
    });
    return await runOperationCommand(
      fn,
      { operation, params, dryRun: values["dry-run"] ?? false },
      { json, io, render: migrateRenderers[operation] },
    );
  } finally {
    await db?.close();
  }
}
