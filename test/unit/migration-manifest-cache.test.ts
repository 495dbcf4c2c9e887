import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openManifestCache } from "../../cli/local/manifest-cache.ts";
import { buildManifest } from "../../lambdas/migration/manifest.ts";
import { EXAMPLE_MIGRATIONS } from "../helpers/run-cli.ts";

async function copyOfExamples(): Promise<{ dir: string; home: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "ops-cache-"));
  const dir = path.join(root, "migrations");
  await cp(EXAMPLE_MIGRATIONS, dir, { recursive: true });
  return { dir, home: path.join(root, "home") };
}

describe("manifest cache", () => {
  it("builds the same manifest from the cache, compiling only migrations whose files changed", async () => {
    const { dir, home } = await copyOfExamples();
    const env = { OPS_HOME: home };
    const first = openManifestCache(dir, env);
    const fresh = await buildManifest(dir, { cache: first });
    first.save();

    const compiled: string[] = [];
    const second = openManifestCache(dir, env);
    const counting = {
      get: (key: string) => second.get(key),
      set: (key: string, migration: Parameters<typeof second.set>[1]) => {
        compiled.push(migration.version);
        second.set(key, migration);
      },
    };
    expect(await buildManifest(dir, { cache: counting })).toEqual(fresh);
    expect(compiled).toEqual([]);

    const file = path.join(dir, "20240102100000_create_projects.sql");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("CREATE TABLE projects", "CREATE TABLE  projects"),
    );
    const edited = await buildManifest(dir, { cache: counting });
    expect(compiled).toEqual(["20240102100000"]);
    expect(edited.migrations.find((m) => m.version === "20240102100000")?.checksum).not.toBe(
      fresh.migrations.find((m) => m.version === "20240102100000")?.checksum,
    );
  });

  it("treats an unreadable cache file as empty", async () => {
    const { dir, home } = await copyOfExamples();
    const cache = openManifestCache(dir, { OPS_HOME: home });
    await buildManifest(dir, { cache });
    cache.save();
    const cacheDir = path.join(home, "cache");
    const [name] = await import("node:fs/promises").then((fs) => fs.readdir(cacheDir));
    await writeFile(path.join(cacheDir, name as string), "{not json");
    const again = openManifestCache(dir, { OPS_HOME: home });
    expect((await buildManifest(dir, { cache: again })).migrations).toHaveLength(8);
  });
});
