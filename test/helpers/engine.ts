import { OpsError } from "../../lambdas/kit/errors.ts";

/**
 * Engine options for a test database, plus any overrides.
 *
 * @example
 * await applyPendingMigrations(manifest, options(url, { rollbackOnFailure: false }), ctx);
 */
export const options = (url: string, extra: Record<string, unknown> = {}) => ({
  connection: { connectionString: url },
  ...extra,
});

/** The OpsError an operation failed with (fails the test when it succeeded or threw something else). */
export async function rejectionOf(promise: Promise<unknown>): Promise<OpsError> {
  const error = await promise.then(
    () => new Error("expected the operation to fail"),
    (caught: unknown) => caught,
  );
  if (!(error instanceof OpsError)) throw error;
  return error;
}
