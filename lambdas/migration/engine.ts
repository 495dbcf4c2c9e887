/**
 * The migration engine's public API: operations take `(manifest, options, ctx)` and return
 * `{ summary, data, warnings }` or throw `OpsError` with a stable code.
 */
export { applyPendingMigrations } from "./apply.ts";
export { describeDrift } from "./drift.ts";
export { describeSchema, fingerprintOf, type SchemaDescription } from "./fingerprint.ts";
export type {
  ApplyOptions,
  EngineOptions,
  OperationResult,
  RepairOptions,
  RollbackOptions,
} from "./options.ts";
export { DEFAULTS as ENGINE_DEFAULTS } from "./options.ts";
export { planMigrations } from "./plan.ts";
export { repairMigrations } from "./repair.ts";
export { rollbackMigrations } from "./rollback.ts";
export { getMigrationStatus } from "./status.ts";
export { validateMigrations } from "./validate.ts";
