import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { buildManifest, type CompiledMigrationCache } from "../../lambdas/migration/manifest.ts";
import type { Migration, MigrationManifest } from "../../lambdas/migration/types.ts";
import { opsHome } from "./paths.ts";

interface CacheFile {
  readonly format: 3;
  /** Name, size and modification time of every .sql file when `manifest` was built. */
  readonly snapshot: string;
  readonly manifest: MigrationManifest;
  /** Digest of each migration's source, in the order of `manifest.migrations`. */
  readonly keys: readonly string[];
}

/**
 * Builds the manifest of a migrations directory for the CLI, with a cache under `.ops/cache/`:
 * when no .sql file was added, removed or changed (name, size, modification time — as git's
 * index does) the last manifest is reused without reading the files; otherwise only migrations
 * whose files changed are parsed again. A missing or unreadable cache is an empty cache.
 *
 * @example
 * const manifest = await buildManifestCached("lambdas/migration/migrations", process.env);
 */
export async function buildManifestCached(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<MigrationManifest> {
  const file = cacheFileFor(dir, env);
  const previous = readCache(file);
  const snapshot = snapshotOf(dir);
  if (previous && snapshot !== undefined && previous.snapshot === snapshot)
    return previous.manifest;
  const cache = compiledMigrationCache(previous ? entriesOf(previous) : {});
  const manifest = await buildManifest(dir, { cache });
  if (snapshot !== undefined) {
    const keyOf = new Map(Object.entries(cache.used).map(([key, migration]) => [migration, key]));
    const keys = manifest.migrations.map((migration) => keyOf.get(migration) ?? "");
    writeCache(file, { format: 3, snapshot, manifest, keys });
  }
  return manifest;
}

/**
 * Compiled migrations looked up by source digest, remembering which ones the build used.
 *
 * @example
 * const cache = compiledMigrationCache({}); await buildManifest(dir, { cache }); cache.used;
 */
export function compiledMigrationCache(previous: Record<string, Migration>) {
  const used: Record<string, Migration> = {};
  const cache: CompiledMigrationCache & { used: Record<string, Migration> } = {
    used,
    get(key) {
      const hit = previous[key];
      if (hit) used[key] = hit;
      return hit;
    },
    set(key, migration) {
      used[key] = migration;
    },
  };
  return cache;
}

function entriesOf(cache: CacheFile): Record<string, Migration> {
  return Object.fromEntries(
    cache.keys.map((key, i) => [key, cache.manifest.migrations[i] as Migration]),
  );
}

function cacheFileFor(dir: string, env: NodeJS.ProcessEnv): string {
  const digest = createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16);
  return path.join(opsHome(env), "cache", `manifest-${digest}.json`);
}

/** Name, size and mtime of each .sql file, or undefined when the folder cannot be listed. */
function snapshotOf(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith(".sql"))
      .sort()
      .map((name) => {
        const stat = statSync(path.join(dir, name));
        return `${name}:${stat.size}:${stat.mtimeMs}`;
      })
      .join("|");
  } catch {
    return undefined;
  }
}

function readCache(file: string): CacheFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    const valid =
      parsed.format === 3 &&
      Array.isArray(parsed.keys) &&
      parsed.manifest?.migrations?.length === parsed.keys.length;
    return valid ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Cache files kept: one per migrations directory, the most recently written ones. */
const KEPT_CACHE_FILES = 20;

function writeCache(file: string, body: CacheFile): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(body));
    renameSync(`${file}.${process.pid}.tmp`, file);
    pruneCacheFiles(path.dirname(file));
  } catch {
    // A cache that cannot be written only costs speed next time.
  }
}

/** Removes the oldest cache files beyond KEPT_CACHE_FILES (e.g. of deleted temporary folders). */
function pruneCacheFiles(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => name.startsWith("manifest-") && name.endsWith(".json"))
    .map((name) => ({
      file: path.join(dir, name),
      mtimeMs: statSync(path.join(dir, name)).mtimeMs,
    }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of files.slice(KEPT_CACHE_FILES)) rmSync(file, { force: true });
}
