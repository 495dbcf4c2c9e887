/**
 * The operations of each ops function (the keys of its `operations` in lambdas/<key>/function.ts).
 * The kit's metrics carry the operation as a dimension, so the action queries each one; a test
 * keeps this list equal to the functions' own, without bundling their code into the action.
 */
export const FUNCTION_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  "health-check": ["check"],
  migration: ["status", "plan", "migrate", "rollback", "validate", "repair"],
};
