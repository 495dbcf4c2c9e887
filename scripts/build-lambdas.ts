/**
 * `npm run build:lambdas`: bundles each ops Lambda (lambdas/<name>/handler.ts) with ncc into
 * build/lambdas/<name>/index.mjs, the migration function with its migration manifest beside it.
 * These bundles are what the cold-start benchmark imports and what Terraform zips.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import ncc from "@vercel/ncc";
import { buildManifest, writeManifest } from "../lambdas/migration/manifest.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "build/lambdas");
const ENTRIES = path.join(ROOT, "build/.entries");

/** Names of the folders under lambdas/ that hold a handler. */
export async function lambdaNames(): Promise<string[]> {
  const dirs = await readdir(path.join(ROOT, "lambdas"), { withFileTypes: true });
  return dirs
    .filter(
      (dir) => dir.isDirectory() && existsSync(path.join(ROOT, "lambdas", dir.name, "handler.ts")),
    )
    .map((dir) => dir.name)
    .sort();
}

async function bundle(name: string): Promise<number> {
  // ncc reads the tsconfig nearest to the entry. The project's tsconfig is for type-checking
  // (`allowImportingTsExtensions` + `noEmit`); bundling needs one that allows emitting.
  const entry = path.join(ENTRIES, `${name}.ts`);
  await writeFile(entry, `export { handler } from "../../lambdas/${name}/handler.ts";\n`);
  const { code, assets } = await ncc(entry, {
    minify: true,
    quiet: true,
    target: "es2022",
    transpileOnly: true,
  });
  const dir = path.join(OUT, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "index.mjs"), code);
  for (const [file, asset] of Object.entries(assets)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), asset.source);
  }
  return Buffer.byteLength(code);
}

async function main(): Promise<void> {
  await mkdir(ENTRIES, { recursive: true });
  await writeFile(
    path.join(ENTRIES, "tsconfig.json"),
    `${JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { allowImportingTsExtensions: false, noEmit: false }, include: ["*.ts"], exclude: [] }, null, 2)}\n`,
  );
  for (const name of await lambdaNames()) {
    const started = Date.now();
    const bytes = await bundle(name);
    let extra = "";
    if (name === "migration") {
      const manifest = await buildManifest(path.join(ROOT, "lambdas/migration/migrations"));
      await writeManifest(manifest, path.join(OUT, name, "manifest.json"));
      extra = `, manifest with ${manifest.migrations.length} migrations`;
    }
    console.log(
      `build/lambdas/${name}/index.mjs  ${(bytes / 1024).toFixed(0)} KiB${extra}  (${Date.now() - started} ms)`,
    );
  }
}

await main();
