import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { CompiledMigrationCache } from "../../lambdas/migration/manifest.ts";
import type {
  Migration,
  MigrationIndex,
  MigrationManifest,
} from "../../lambdas/migration/types.ts";
import { opsHome } from "./paths.ts";

/**
 * A cache file holds two JSON lines: the header (what `status` needs, small) and the body (the
 * whole manifest). `status` parses only the header: for 500 migrations it is ~15× smaller.
 */
interface CacheHeader {
  readonly format: 4;
  /** Name, size and modification time of every .sql file when the manifest was built. */
  readonly snapshot: string;
  readonly index: MigrationIndex;
}

interface CacheBody {
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
  return buildFromCache(dir, await lookUp(dir, env));
}

/** The directory's snapshot and its cache file as read: stat'ed and read once per command. */
interface Lookup {
  readonly file: string;
  readonly snapshot: string | undefined;
  readonly cached: { header: CacheHeader; text: Buffer } | undefined;
}

async function lookUp(dir: string, env: NodeJS.ProcessEnv): Promise<Lookup> {
  const file = cacheFileFor(dir, env);
  return { file, snapshot: await snapshotOf(dir), cached: readCache(file) };
}

async function buildFromCache(
  dir: string,
  { file, snapshot, cached }: Lookup,
): Promise<MigrationManifest> {
  const body = cached ? readBody(cached.text, cached.header.index) : undefined;
  if (body && snapshot !== undefined && cached?.header.snapshot === snapshot) return body.manifest;
  const cache = compiledMigrationCache(body ? entriesOf(body) : {});
  // The builder (SQL parser, risk rules) loads only when something changed.
  const { buildManifest } = await import("../../lambdas/migration/manifest.ts");
  const manifest = await buildManifest(dir, { cache });
  if (snapshot !== undefined) {
    const keyOf = new Map(Object.entries(cache.used).map(([key, migration]) => [migration, key]));
    const keys = manifest.migrations.map((migration) => keyOf.get(migration) ?? "");
    writeCache(file, { format: 4, snapshot, index: indexOf(manifest) }, { manifest, keys });
  }
  return manifest;
}

/**
 * The migrations of a directory without their SQL, for `status`: read from the cache header
 * while no .sql file changed (no SQL is loaded), else built — and validated — in full.
 *
 * @example
 * const { migrations } = await readMigrationIndexCached("db/migrations", process.env);
 */
export async function readMigrationIndexCached(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<MigrationIndex> {
  const file = cacheFileFor(dir, env);
  // Yields while it stats: `status` reads the files while its connection is being set up.
  const snapshot = await snapshotOf(dir, { yieldEvery: 64 });
  const header = readCacheHeader(file);
  if (header && snapshot !== undefined && header.snapshot === snapshot) return header.index;
  return buildFromCache(dir, { file, snapshot, cached: readCache(file) });
}

function indexOf(manifest: MigrationManifest): MigrationIndex {
  return {
    migrations: manifest.migrations.map(({ version, name, checksum, up }) => ({
      version,
      name,
      checksum,
      up: { file: up.file },
    })),
  };
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

function entriesOf(body: CacheBody): Record<string, Migration> {
  return Object.fromEntries(
    body.keys.map((key, i) => [key, body.manifest.migrations[i] as Migration]),
  );
}

function cacheFileFor(dir: string, env: NodeJS.ProcessEnv): string {
  const digest = createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16);
  return path.join(opsHome(env), "cache", `manifest-${digest}.json`);
}

/**
 * Name, size and mtime of each .sql file, or undefined when the folder cannot be listed. With
 * `yieldEvery` (files), lets the event loop run between batches of stats: they stay synchronous
 * (no promise per file), but a connection being set up meanwhile needs its replies sent.
 */
async function snapshotOf(dir: string, { yieldEvery = 0 } = {}): Promise<string | undefined> {
  // Joined by hand: path.join normalises character by character, 500 times per `status`.
  const prefix = `${path.resolve(dir)}${path.sep}`;
  try {
    const names = readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith(".sql"))
      .sort();
    const parts: string[] = [];
    for (const name of names) {
      // Before the first batch too: a connection started just before sends its first packet then.
      if (yieldEvery > 0 && parts.length % yieldEvery === 0) await new Promise(setImmediate);
      const stat = statSync(`${prefix}${name}`);
      parts.push(`${name}:${stat.size}:${stat.mtimeMs}`);
    }
    return parts.join("|");
  } catch {
    return undefined;
  }
}

/**
 * Only the header line of a cache file (what `status` needs): read in chunks up to the first
 * newline, not the whole file (the body is ~4× larger, and fresh memory is slow to touch here).
 */
function readCacheHeader(file: string): CacheHeader | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      const end = chunk.subarray(0, read).indexOf(10);
      chunks.push(chunk.subarray(0, end === -1 ? read : end));
      if (end !== -1) break;
      if (read === 0) return undefined; // no body: not a cache file this version wrote
    }
    return validHeader(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function validHeader(header: CacheHeader): CacheHeader | undefined {
  return header.format === 4 && Array.isArray(header.index?.migrations) ? header : undefined;
}

/** The header of a cache file, and the file's text for its body; undefined when unusable. */
function readCache(file: string): { header: CacheHeader; text: Buffer } | undefined {
  try {
    const text = readFileSync(file);
    const header = validHeader(JSON.parse(text.toString("utf8", 0, text.indexOf(10))));
    return header ? { header, text } : undefined;
  } catch {
    return undefined;
  }
}

function readBody(text: Buffer, index: MigrationIndex): CacheBody | undefined {
  try {
    const body = JSON.parse(text.toString("utf8", text.indexOf(10) + 1)) as CacheBody;
    const count = index.migrations.length;
    const valid =
      Array.isArray(body.keys) &&
      body.keys.length === count &&
      body.manifest?.migrations?.length === count;
    return valid ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Cache files kept: one per migrations directory, the most recently written ones. */
const KEPT_CACHE_FILES = 20;

function writeCache(file: string, header: CacheHeader, body: CacheBody): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      `${file}.${process.pid}.tmp`,
      `${JSON.stringify(header)}\n${JSON.stringify(body)}\n`,
    );
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
