/**
 * `npm run build:actions`: bundles each action (actions/<name>/main.ts) with ncc into
 * actions/<name>/dist/index.js (+ chunks and assets). The bundles are committed — a workflow runs
 * them without `npm ci` — so the output must be deterministic: `npm run check-dist` rebuilds and
 * fails on any difference.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { bundleWithNcc, ROOT } from "./ncc.ts";

const ENTRIES = path.join(ROOT, "build/.entries/actions");

/** Names of the folders under actions/ that hold an action (an action.yml and a main.ts). */
export async function actionNames(): Promise<string[]> {
  const dirs = await readdir(path.join(ROOT, "actions"), { withFileTypes: true });
  const isAction = (name: string) =>
    existsSync(path.join(ROOT, "actions", name, "action.yml")) &&
    existsSync(path.join(ROOT, "actions", name, "main.ts"));
  return dirs
    .filter((dir) => dir.isDirectory() && isAction(dir.name))
    .map((dir) => dir.name)
    .sort();
}

async function main(): Promise<void> {
  for (const name of await actionNames()) {
    const started = Date.now();
    const bytes = await bundleWithNcc({
      entriesDir: ENTRIES,
      name,
      // main.ts only exports run(), so tests can import it; the bundle's entry calls it.
      entrySource: `import { run } from "../../../actions/${name}/main.ts";\n\nrun();\n`,
      outDir: path.join(ROOT, "actions", name, "dist"),
      outFile: "index.js",
      // Readable bundles: a reviewer can search the committed code for what it does.
      minify: false,
    });
    console.log(
      `actions/${name}/dist/index.js  ${(bytes / 1024).toFixed(0)} KiB  (${Date.now() - started} ms)`,
    );
  }
}

await main();
