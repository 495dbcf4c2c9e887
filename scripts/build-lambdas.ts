/**
 * `npm run build:lambdas`: bundles each ops Lambda (lambdas/<name>/handler.ts) with ncc into
 * build/lambdas/<name>/index.mjs, the migration function with its migration manifest beside it.
 * These bundles are what the cold-start benchmark imports and what Terraform zips.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { buildManifest, writeManifest } from "../lambdas/migration/manifest.ts";
import { bundleWithNcc, ROOT } from "./ncc.ts";
import { zipLambdas } from "./zip-lambdas.ts";

const OUT = path.join(ROOT, "build/lambdas");
const ENTRIES = path.join(ROOT, "build/.entries/lambdas");

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

function bundle(name: string): Promise<number> {
  return bundleWithNcc({
    entriesDir: ENTRIES,
    name,
    entrySource: `export { handler } from "../../../lambdas/${name}/handler.ts";\n`,
    outDir: path.join(OUT, name),
    outFile: "index.mjs",
    minify: true,
  });
}

async function main(): Promise<void> {
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
  await zipLambdas(OUT, await lambdaNames());
}

await main();
