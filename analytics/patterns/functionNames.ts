/** A deployed function name split into its function key and the environment its prefix names. */
export interface ResolvedFunctionName {
  readonly key: string;
  readonly environment: string | undefined;
}

/**
 * Maps a function name as Lambda knows it (`ops-staging-migration`, or an ARN) to the bare key of
 * `infra/functions.auto.tfvars.json` (`migration`), matching known keys by suffix first, and
 * reads the environment from an `ops-<env>-` prefix.
 *
 * @example
 * resolveFunctionName("ops-staging-health-check", ["migration", "health-check"]);
 * // { key: "health-check", environment: "staging" }
 */
export function resolveFunctionName(
  name: string,
  knownKeys: readonly string[] = [],
): ResolvedFunctionName {
  const bare = name.replace(/^arn:[^:]+:lambda:[^:]+:\d+:function:/, "").replace(/:[^:]+$/, "");
  if (knownKeys.includes(bare)) return { key: bare, environment: undefined };
  const known = [...knownKeys]
    .sort((a, b) => b.length - a.length)
    .find((key) => bare.endsWith(`-${key}`));
  if (known !== undefined) {
    const prefix = bare.slice(0, -(known.length + 1));
    const environment = /^ops-([a-z0-9]+)$/.exec(prefix)?.[1];
    return { key: known, environment };
  }
  const prefixed = /^ops-([a-z0-9]+)-(.+)$/.exec(bare);
  if (prefixed?.[1] && prefixed[2]) return { key: prefixed[2], environment: prefixed[1] };
  return { key: bare, environment: undefined };
}
