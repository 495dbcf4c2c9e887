/** What a recurring error code usually means and what to do about it. */
const HINTS: Readonly<Record<string, string>> = {
  LOCK_BUSY:
    "a second migrator is holding the migration lock; see the holder named in the error and serialise deploys (a GitHub Actions concurrency group per environment)",
  MIGRATION_FAILED:
    "a migration fails; open the failing file and statement named in error.details, fix it in a new migration and re-run `ops migrate plan`",
  CHECKSUM_MISMATCH:
    "an applied migration was edited; restore the file from git or run `ops migrate repair` once the change is intended",
  OUT_OF_ORDER:
    "migrations are merged out of order; renumber the pending one or set allowOutOfOrder deliberately",
  TIME_BUDGET_EXHAUSTED:
    "runs hit the Lambda time budget; split long migrations or raise the function timeout",
  TIMEOUT_GUARD: "runs stop at the timeout guard; raise the function timeout or split the work",
  "Sandbox.Timedout": "the function times out; raise its timeout or make the work smaller",
  TooManyRequestsException:
    "invocations are throttled; raise reserved concurrency or space the callers out",
  HEALTH_CHECK_FAILED:
    "health checks fail; read the failing checks in the result (database, endpoints) and fix the unhealthy dependency",
  DATABASE_UNAVAILABLE:
    "the database refuses or drops connections; check RDS status, max_connections and the security group from the Lambda subnets",
  SECRET_UNAVAILABLE:
    "the database secret cannot be read; check the Secrets Manager policy of the function role",
  INVALID_REQUEST: "callers send invalid events; fix the caller named by the run's source",
  UNAUTHORIZED: "signed events are rejected; check the signing key and clock skew of the callers",
};

/**
 * The usual meaning of an error code and the next step, or a generic step for unknown codes.
 *
 * @example
 * errorCodeHint("LOCK_BUSY"); // "a second migrator is holding the migration lock; …"
 */
export function errorCodeHint(code: string | undefined): string {
  if (code !== undefined && HINTS[code]) return HINTS[code];
  return `read error.message and error.details of the ${code ?? "failed"} runs (ops invoke … --json) and fix the cause they name`;
}
