/**
 * `npm run bench`: every benchmark in sequence — bench/migrate, bench/cold-start, then bench/nab
 * when it exists (run as its own process, as `npx tsx bench/nab/run.ts` would). Exits 1 when a
 * benchmark could not do its work; a goal not met is reported, not failed.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runColdStartBench } from "./cold-start/cold-start-bench.ts";
import { runMigrateBench } from "./migrate/migrate-bench.ts";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const results = {
  migrate: await runMigrateBench(),
  "cold-start": await runColdStartBench(),
  nab: await runNabBench(),
};
const failed = Object.entries(results).filter(([, ok]) => !ok);
if (failed.length > 0)
  console.log(`\nbenchmarks that could not complete: ${failed.map(([name]) => name).join(", ")}`);
process.exitCode = failed.length > 0 ? 1 : 0;

async function runNabBench(): Promise<boolean> {
  const script = path.join(benchDir, "nab/run.ts");
  if (!existsSync(script)) {
    console.log("\n== bench/nab: not present, skipped ==");
    return true;
  }
  console.log("\n== bench/nab ==");
  const tsx = path.join(benchDir, "../node_modules/.bin/tsx");
  const child = spawn(tsx, [script], { stdio: "inherit" });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  return exitCode === 0;
}
