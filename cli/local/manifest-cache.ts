import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CompiledMigrationCache } from "../../lambdas/migration/manifest.ts";
import type { Migration } from "../../lambdas/migration/types.ts";
import { opsHome } from "./paths.ts";

interface CacheFile {
  readonly format: 1;
  readonly entries: Record<string, Migration>;
}

/**
 * A file-backed cache of compiled migrations for one migrations directory, under
 * `.ops/cache/`. Only entries used by the last build are kept, so it never grows stale.
 * A missing or unreadable cache file is an empty cache.
 *
 * @example
 * const cache = openManifestCache(dir, env);
 * const manifest = await buildManifest(dir, { cache });
 * cache.save();
 */
export function openManifestCache(dir: string, env: NodeJS.ProcessEnv) {
  const file = path.join(
    opsHome(env),
    "cache",
    `manifest-${createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16)}.json`,
  );
  const previous = readCache(file);
  const used: Record<string, Migration> = {};
  let changed = false;
  const cache: CompiledMigrationCache & { save(): void } = {
    get(key) {
      const hit = previous[key];
      if (hit) used[key] = hit;
      return hit;
    },
    set(key, migration) {
      used[key] = migration;
      changed = true;
    },
    save() {
      if (!changed && Object.keys(used).length === Object.keys(previous).length) return;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        const body: CacheFile = { format: 1, entries: used };
        writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(body));
        renameSync(`${file}.${process.pid}.tmp`, file);
      } catch {
        // A cache that cannot be written only costs speed next time.
      }
    },
  };
  return cache;
}

function readCache(file: string): Record<string, Migration> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    return parsed.format === 1 && parsed.entries ? parsed.entries : {};
  } catch {
    return {};
  }
}
