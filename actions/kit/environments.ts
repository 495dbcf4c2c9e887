/**
 * The function configuration the actions need, bundled into each action: ncc inlines these JSON
 * imports, so a workflow knows the functions and environments without a checkout of infra/.
 * An environment added under infra/environments/ needs one line here too.
 */

import dev from "../../infra/environments/dev.tfvars.json" with { type: "json" };
import local from "../../infra/environments/local.tfvars.json" with { type: "json" };
import production from "../../infra/environments/production.tfvars.json" with { type: "json" };
import staging from "../../infra/environments/staging.tfvars.json" with { type: "json" };
import functionsFile from "../../infra/functions.auto.tfvars.json" with { type: "json" };

/** One environment: Terraform's `name_prefix` and `region` for it. */
export interface EnvironmentConfig {
  readonly environment: string;
  readonly name_prefix: string;
  readonly region: string;
}

/** Environments by name. */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev,
  local,
  production,
  staging,
};

/** Function keys (folder names under lambdas/) with their configured timeout in seconds. */
export const FUNCTION_TIMEOUTS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(functionsFile.functions).map(([key, config]) => [key, config.timeout]),
);
