import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheNameFor, loadWithCodeCache } from "../../bin/code-cache.js";
import { MIGRATE_SUBCOMMANDS } from "../../cli/commands/migrate.ts";
import { COMMAND_NAMES } from "../../cli/main.ts";

async function scriptFile(body: string): Promise<{ file: string; cacheFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "ops-code-cache-"));
  const file = path.join(dir, "bundle.cjs");
  await writeFile(file, body);
  return { file, cacheFile: `${file}.help.v8cache` };
}

const BODY = `const path = require("node:path");
exports.main = (name) => "hello " + name + " from " + path.basename(__filename);`;

describe("the CLI bundle's code cache", () => {
  it("runs the file like require(), writes a cache after the first run and uses it next time", async () => {
    const { file, cacheFile } = await scriptFile(BODY);
    const first = loadWithCodeCache(file, cacheFile);
    expect((first.exports.main as (n: string) => string)("ops")).toBe("hello ops from bundle.cjs");
    expect(first.cached).toBe(false);
    first.save();
    expect(existsSync(cacheFile)).toBe(true);

    const second = loadWithCodeCache(file, cacheFile);
    expect(second.cached).toBe(true);
    expect((second.exports.main as (n: string) => string)("again")).toBe(
      "hello again from bundle.cjs",
    );
  });

  it("reads a file that is not ASCII as UTF-8", async () => {
    const { file, cacheFile } = await scriptFile(`exports.main = () => "✔ déjà 日本";`);
    const loaded = loadWithCodeCache(file, cacheFile);
    expect((loaded.exports.main as () => string)()).toBe("✔ déjà 日本");
  });

  it("ignores a damaged cache or one of a bundle of another length, and replaces it", async () => {
    const { file, cacheFile } = await scriptFile(BODY);
    await writeFile(cacheFile, "not a V8 code cache");
    const damaged = loadWithCodeCache(file, cacheFile);
    expect(damaged.cached).toBe(false);
    expect((damaged.exports.main as (n: string) => string)("x")).toBe("hello x from bundle.cjs");
    damaged.save();
    expect(loadWithCodeCache(file, cacheFile).cached).toBe(true);

    await writeFile(file, BODY.replace("hello", "hi"));
    const rebuilt = loadWithCodeCache(file, cacheFile);
    expect(rebuilt.cached).toBe(false);
    expect((rebuilt.exports.main as (n: string) => string)("y")).toBe("hi y from bundle.cjs");
  });

  it("still runs when the cache cannot be written", async () => {
    const { file } = await scriptFile(BODY);
    const loaded = loadWithCodeCache(file, path.join(path.dirname(file), "missing", "x.v8cache"));
    expect(() => loaded.save()).not.toThrow();
    expect((loaded.exports.main as (n: string) => string)("z")).toBe("hello z from bundle.cjs");
  });

  it("keeps one cache per command and migrate subcommand, and one for everything else", () => {
    expect(cacheNameFor(["migrate", "status", "--json"])).toBe("migrate-status");
    expect(cacheNameFor(["migrate", "--dir", "x", "up"])).toBe("migrate");
    expect(cacheNameFor(["health"])).toBe("health");
    expect(cacheNameFor(["frobnicate", "now"])).toBe("other");
    expect(cacheNameFor([])).toBe("other");
  });

  it("knows every command and migrate subcommand the CLI has", () => {
    for (const command of COMMAND_NAMES) expect(cacheNameFor([command])).toBe(command);
    for (const sub of MIGRATE_SUBCOMMANDS)
      expect(cacheNameFor(["migrate", sub])).toBe(`migrate-${sub}`);
  });
});
