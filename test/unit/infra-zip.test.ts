import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZipUnavailableError, zipLambda } from "../../scripts/zip-lambdas.ts";

let outDir: string;

const zipInstalled = ["zip", "unzip"].every(
  (command) => spawnSync(command, ["-v"], { stdio: "ignore" }).status === 0,
);
const needsZip = zipInstalled ? "" : " (skipped: zip or unzip is not installed)";
if (!zipInstalled) console.warn(`zip or unzip is not installed: the zip tests are skipped.`);

/** A bundle folder as `npm run build:lambdas` leaves it for the migration function. */
function writeBundle(name: string): void {
  const dir = path.join(outDir, name);
  mkdirSync(path.join(dir, "chunks"), { recursive: true });
  writeFileSync(
    path.join(dir, "index.mjs"),
    "export const handler = async () => ({ ok: true });\n",
  );
  writeFileSync(path.join(dir, "994.index.js"), "export const chunk = 1;\n");
  writeFileSync(path.join(dir, "chunks", "asset.txt"), "asset\n");
  writeFileSync(path.join(dir, "manifest.json"), '{"migrations":[]}\n');
  writeFileSync(path.join(dir, "package.json"), '{"type":"module"}\n');
}

beforeEach(() => {
  outDir = mkdtempSync(path.join(os.tmpdir(), "ops-zip-"));
});

afterEach(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe("zipLambda", () => {
  it.skipIf(!zipInstalled)(
    `zips the bundle folder into <name>.zip with its files at the root${needsZip}`,
    async () => {
      writeBundle("migration");

      const zip = await zipLambda(outDir, "migration");

      const expected = [
        "994.index.js",
        "chunks/asset.txt",
        "index.mjs",
        "manifest.json",
        "package.json",
      ];
      expect(zip.file).toBe(path.join(outDir, "migration.zip"));
      expect(zip.entries).toEqual(expected);
      const listed = execFileSync("unzip", ["-Z1", zip.file], { encoding: "utf8" });
      expect(listed.trim().split("\n").sort()).toEqual(expected);
    },
  );

  it.skipIf(!zipInstalled)(
    `writes the same bytes for the same files, whatever their timestamps${needsZip}`,
    async () => {
      writeBundle("migration");
      const first = readFileSync((await zipLambda(outDir, "migration")).file);
      const later = new Date("2030-06-01T12:00:00Z");
      utimesSync(path.join(outDir, "migration", "index.mjs"), later, later);

      const second = readFileSync((await zipLambda(outDir, "migration")).file);

      expect(second.equals(first)).toBe(true);
    },
  );

  it("refuses an empty bundle folder", async () => {
    mkdirSync(path.join(outDir, "migration"));
    await expect(zipLambda(outDir, "migration")).rejects.toThrow(/holds no files/);
  });

  it("explains how to install zip when the command is missing", async () => {
    writeBundle("migration");
    const pathBefore = process.env.PATH;
    process.env.PATH = outDir; // a folder without `zip`
    try {
      const error = await zipLambda(outDir, "migration").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZipUnavailableError);
      expect((error as Error).message).toMatch(/apt-get install zip/);
    } finally {
      process.env.PATH = pathBefore;
    }
  });
});
