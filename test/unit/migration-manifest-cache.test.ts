import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildManifestCached,
  compiledMigrationCache,
  readMigrationIndexCached,
} from "../../cli/local/manifest-cache.ts";
import { buildManifest } from "../../lambdas/migration/manifest.ts";
import { EXAMPLE_MIGRATIONS } from "../helpers/run-cli.ts";

async function copyOfExamples(): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const root = await mkdtemp(path.join(tmpdir(), "ops-cache-"));
  const dir = path.join(root, "migrations");
  await cp(EXAMPLE_MIGRATIONS, dir, { recursive: true });
  return { dir, env: { OPS_HOME: path.join(root, "home") } };
}

async function edit(file: string, from: string, to: string): Promise<void> {
  await writeFile(file, (await readFile(file, "utf8")).replace(from, to));
}

describe("manifest cache", () => {
  it("compiles only the migrations whose source changed", async () => {
    const { dir } = await copyOfExamples();
    const first = compiledMigrationCache({});
    const fresh = await buildManifest(dir, { cache: first });

    const compiled: string[] = [];
    const second = compiledMigrationCache(first.used);
    const counting = {
      get: second.get,
      set: (key: string, migration: Parameters<typeof second.set>[1]) => {
        compiled.push(migration.version);
        second.set(key, migration);
      },
    };
    expect(await buildManifest(dir, { cache: counting })).toEqual(fresh);
    expect(compiled).toEqual([]);

    await edit(
      path.join(dir, "20240102100000_create_projects.sql"),
      "CREATE TABLE projects",
      "CREATE TABLE  projects",
    );
    await buildManifest(dir, { cache: counting });
    expect(compiled).toEqual(["20240102100000"]);
  });

  it("reuses the manifest while no file changed, and sees an edit, a new file and a removal", async () => {
    const { dir, env } = await copyOfExamples();
    const fresh = await buildManifestCached(dir, env);
    expect(await buildManifestCached(dir, env)).toEqual(fresh);

    const file = path.join(dir, "20240102100000_create_projects.sql");
    await edit(file, "CREATE TABLE projects", "CREATE TABLE  projects");
    const edited = await buildManifestCached(dir, env);
    const checksum = (m: typeof fresh) =>
      m.migrations.find((x) => x.version === "20240102100000")?.checksum;
    expect(checksum(edited)).not.toBe(checksum(fresh));

    await writeFile(
      path.join(dir, "20250101000000_extra.sql"),
      "-- migrate:up\nCREATE TABLE extra ();\n-- migrate:down\nDROP TABLE extra;\n",
    );
    expect((await buildManifestCached(dir, env)).migrations.at(-1)?.version).toBe("20250101000000");

    const { rm } = await import("node:fs/promises");
    await rm(path.join(dir, "20250101000000_extra.sql"));
    expect((await buildManifestCached(dir, env)).migrations).toHaveLength(8);
  });

  it("treats an unreadable cache file as empty", async () => {
    const { dir, env } = await copyOfExamples();
    await buildManifestCached(dir, env);
    const cacheDir = path.join(env.OPS_HOME as string, "cache");
    const [name] = await readdir(cacheDir);
    await writeFile(path.join(cacheDir, name as string), "{not json");
    expect((await buildManifestCached(dir, env)).migrations).toHaveLength(8);
  });

  it("still rejects a malformed directory", async () => {
    const { dir, env } = await copyOfExamples();
    await buildManifestCached(dir, env);
    await writeFile(
      path.join(dir, "20250101000000_broken.sql"),
      "CREATE TABLE nothing_marked ();\n",
    );
    await expect(buildManifestCached(dir, env)).rejects.toMatchObject({
      code: "INVALID_MIGRATIONS",
    });
  });
});

describe("the index `status` reads", () => {
  it("comes from the cache header without SQL while no file changed, and is rebuilt after an edit", async () => {
    const { dir, env } = await copyOfExamples();
    const manifest = await buildManifestCached(dir, env);
    const index = await readMigrationIndexCached(dir, env);
    expect(index.migrations).toEqual(
      manifest.migrations.map(({ version, name, checksum, up }) => ({
        version,
        name,
        checksum,
        up: { file: up.file },
      })),
    );
    expect(JSON.stringify(index)).not.toContain("CREATE TABLE");

    const file = path.join(dir, "20240102100000_create_projects.sql");
    await edit(file, "CREATE TABLE projects", "CREATE TABLE  projects");
    const edited = await readMigrationIndexCached(dir, env);
    const checksum = (m: typeof index) =>
      m.migrations.find((x) => x.version === "20240102100000")?.checksum;
    expect(checksum(edited)).not.toBe(checksum(index));
    expect(checksum(await readMigrationIndexCached(dir, env))).toBe(checksum(edited));
  });

  it("sees an edit past the first batch of stats in a directory of 150 files (a header of several reads)", async () => {
    // The index read yields to the event loop every 64 files (status connects meanwhile).
    const root = await mkdtemp(path.join(tmpdir(), "ops-cache-many-"));
    const dir = path.join(root, "migrations");
    const env = { OPS_HOME: path.join(root, "home") };
    await mkdir(dir);
    for (let i = 1; i <= 150; i++) {
      const version = String(20240101000000 + i);
      await writeFile(
        // Long names: the cache header (names twice, files once) spans several 64 KiB reads.
        path.join(dir, `${version}_t${i}_${"x".repeat(200)}.sql`),
        `-- migrate:up\nCREATE TABLE t${i} (id int);\n-- migrate:down\nDROP TABLE t${i};\n`,
      );
    }
    const first = await readMigrationIndexCached(dir, env);
    expect(first.migrations).toHaveLength(150);
    const checksums = (m: typeof first) => m.migrations.map((x) => x.checksum);
    const second = await readMigrationIndexCached(dir, env);
    expect(second).not.toHaveProperty("formatVersion"); // the cache header: a hit
    expect(checksums(second)).toEqual(checksums(first));

    await edit(
      path.join(dir, `20240101000140_t140_${"x".repeat(200)}.sql`),
      "(id int)",
      "(id bigint)",
    );
    const cacheFile = path.join(
      env.OPS_HOME,
      "cache",
      (await readdir(path.join(env.OPS_HOME, "cache")))[0] as string,
    );
    expect((await readFile(cacheFile, "utf8")).indexOf("\n")).toBeGreaterThan(64 * 1024);
    const edited = await readMigrationIndexCached(dir, env);
    const checksum = (m: typeof first) =>
      m.migrations.find((x) => x.version === "20240101000140")?.checksum;
    expect(checksum(edited)).not.toBe(checksum(first));
    expect(
      edited.migrations.filter((m, i) => m.checksum !== first.migrations[i]?.checksum),
    ).toHaveLength(1);
  });

  it("rejects a malformed directory even with a cache from before", async () => {
    const { dir, env } = await copyOfExamples();
    await readMigrationIndexCached(dir, env);
    await writeFile(
      path.join(dir, "20250101000000_broken.sql"),
      "CREATE TABLE nothing_marked ();\n",
    );
    await expect(readMigrationIndexCached(dir, env)).rejects.toMatchObject({
      code: "INVALID_MIGRATIONS",
    });
  });

  it("rebuilds the manifest when the header is intact but the body is damaged", async () => {
    const { dir, env } = await copyOfExamples();
    const fresh = await buildManifestCached(dir, env);
    const cacheDir = path.join(env.OPS_HOME as string, "cache");
    const [name] = await readdir(cacheDir);
    const cacheFile = path.join(cacheDir, name as string);
    const [header] = (await readFile(cacheFile, "utf8")).split("\n");
    await writeFile(cacheFile, `${header}\n{"manifest":`);
    expect(await buildManifestCached(dir, env)).toEqual(fresh);
  });
});

describe("manifest cache housekeeping", () => {
  it("keeps the cache files of at most 20 migration directories", async () => {
    const { dir, env } = await copyOfExamples();
    const root = path.dirname(dir);
    for (let i = 0; i < 23; i += 1) {
      const other = path.join(root, `copy-${i}`);
      await cp(dir, other, { recursive: true });
      await buildManifestCached(other, env);
    }
    expect(await readdir(path.join(env.OPS_HOME as string, "cache"))).toHaveLength(20);
  });
});
