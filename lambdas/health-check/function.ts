import type { ClientConfig } from "pg";
import type { OpsFunction } from "../kit/operation.ts";
import { runHealthCheck } from "./health.ts";

export interface HealthCheckFunctionDeps {
  /** The database to check, or undefined to check endpoints only. */
  readonly database: () => Promise<ClientConfig | undefined>;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The health-check function: operation `check` (database + HTTP endpoints).
 *
 * @example
 * const fn = createHealthCheckFunction({ database: async () => ({ connectionString: url }), env: process.env });
 */
export function createHealthCheckFunction(deps: HealthCheckFunctionDeps): OpsFunction {
  return {
    name: "health-check",
    operations: {
      check: async (event, ctx) => {
        const database = await deps.database();
        return runHealthCheck(
          event.params,
          { env: deps.env, ...(database ? { database } : {}) },
          ctx,
        );
      },
    },
  };
}
