/** Runs a CommonJS file compiled with the V8 code cache at `cacheFile` (see code-cache.js). */
export function loadWithCodeCache(
  file: string,
  cacheFile: string,
): { exports: Record<string, unknown>; cached: boolean; save: () => void };
/** Which code cache a command line uses ("migrate-status", "health", …, "other"). */
export function cacheNameFor(args: string[]): string;
