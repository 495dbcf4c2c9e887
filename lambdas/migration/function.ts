import type { ClientConfig } from "pg";
import type { OpsEvent } from "../kit/envelope.ts";
import type { OpsFunction } from "../kit/operation.ts";
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  rejectUnknownParams,
} from "../kit/params.ts";
import {
  applyPendingMigrations,
  type EngineOptions,
  getMigrationStatus,
  planMigrations,
  repairMigrations,
  rollbackMigrations,
  validateMigrations,
} from "./engine.ts";
import type { MigrationIndex, MigrationManifest } from "./types.ts";

export interface MigrationFunctionDeps {
  /** The migrations to run: the bundled manifest in Lambda, a directory parsed on the fly in the CLI. */
  readonly manifest: () => Promise<MigrationManifest>;
  /** What `status` reads instead, when cheaper to load than the manifest (the CLI's cache). */
  readonly index?: () => Promise<MigrationIndex>;
  readonly connection: () => Promise<ClientConfig>;
  /** Engine settings (timeouts, lock wait, safety margin); params may override a few. */
  readonly settings?: Omit<EngineOptions, "connection">;
}

const VERSION = /^\d+$/;
const VERSION_TEXT = "a migration version (digits)";
const SESSION_PARAMS = ["lockWaitMs", "lockTimeoutMs", "statementTimeoutMs"];

/**
 * The migration function: status, plan, migrate, rollback, validate, repair (DESIGN.md §3.2).
 * Params are validated here; the work is the engine's.
 *
 * @example
 * const fn = createMigrationFunction({ manifest: () => buildManifest(dir), connection: async () => config });
 */
export function createMigrationFunction(deps: MigrationFunctionDeps): OpsFunction {
  const options = async (event: OpsEvent): Promise<EngineOptions> => ({
    ...deps.settings,
    ...sessionOverrides(event.params),
    connection: await deps.connection(),
  });
  return {
    name: "migration",
    operations: {
      status: async (event, ctx) => {
        rejectUnknownParams(event.params, []);
        // Loaded while the connection is set up (the CLI reads the migration files then).
        return getMigrationStatus(deps.index ?? deps.manifest, await options(event), ctx);
      },
      plan: async (event, ctx) => {
        rejectUnknownParams(event.params, ["to", "allowOutOfOrder"]);
        return planMigrations(
          await deps.manifest(),
          { ...(await options(event)), ...applyParams(event) },
          ctx,
        );
      },
      migrate: async (event, ctx) => {
        rejectUnknownParams(event.params, [
          "to",
          "allowOutOfOrder",
          "rollbackOnFailure",
          ...SESSION_PARAMS,
        ]);
        const rollbackOnFailure = optionalBoolean(event.params, "rollbackOnFailure");
        return applyPendingMigrations(
          await deps.manifest(),
          {
            ...(await options(event)),
            ...applyParams(event),
            ...(rollbackOnFailure === undefined ? {} : { rollbackOnFailure }),
          },
          ctx,
        );
      },
      rollback: async (event, ctx) => {
        rejectUnknownParams(event.params, ["to", "steps", ...SESSION_PARAMS]);
        const to = optionalString(event.params, "to", VERSION, VERSION_TEXT);
        const steps = optionalInteger(event.params, "steps", 1, 10_000);
        return rollbackMigrations(
          await deps.manifest(),
          { ...(await options(event)), ...(to ? { to } : {}), ...(steps ? { steps } : {}) },
          ctx,
        );
      },
      validate: async (event, ctx) => {
        rejectUnknownParams(event.params, []);
        return validateMigrations(await deps.manifest(), await options(event), ctx);
      },
      repair: async (event, ctx) => {
        rejectUnknownParams(event.params, ["acceptEditedChecksums"]);
        const accept = optionalBoolean(event.params, "acceptEditedChecksums");
        return repairMigrations(
          await deps.manifest(),
          {
            ...(await options(event)),
            ...(accept === undefined ? {} : { acceptEditedChecksums: accept }),
          },
          ctx,
        );
      },
    },
  };
}

function applyParams(event: OpsEvent) {
  const to = optionalString(event.params, "to", VERSION, VERSION_TEXT);
  const allowOutOfOrder = optionalBoolean(event.params, "allowOutOfOrder");
  return { ...(to ? { to } : {}), ...(allowOutOfOrder === undefined ? {} : { allowOutOfOrder }) };
}

function sessionOverrides(params: Record<string, unknown>) {
  const out: Record<string, number> = {};
  for (const key of SESSION_PARAMS) {
    const value = optionalInteger(params, key, 0, 3_600_000);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Engine settings from the function's environment (Terraform sets them per function). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Omit<EngineOptions, "connection"> {
  const number = (name: string) => (env[name] ? Number(env[name]) : undefined);
  const entries = {
    schema: env.OPS_MIGRATIONS_SCHEMA,
    lockWaitMs: number("OPS_MIGRATION_LOCK_WAIT_MS"),
    lockTimeoutMs: number("OPS_MIGRATION_LOCK_TIMEOUT_MS"),
    statementTimeoutMs: number("OPS_MIGRATION_STATEMENT_TIMEOUT_MS"),
    safetyMarginMs: number("OPS_MIGRATION_SAFETY_MARGIN_MS"),
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined && !Number.isNaN(v)),
  );
}
