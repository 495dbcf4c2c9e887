/**
 * Runs bench/cold-start alone: `npx tsx bench/cold-start/run.ts`
 * (BENCH_COLD_START_ROUNDS overrides the process count; BENCH_SKIP_BUILD=1 measures the bundles
 * already in build/lambdas).
 */
import { runColdStartBench } from "./cold-start-bench.ts";

const rounds = Number(process.env.BENCH_COLD_START_ROUNDS ?? 15);
const skipBuild = process.env.BENCH_SKIP_BUILD === "1";
process.exitCode = (await runColdStartBench({ rounds, skipBuild })) ? 0 : 1;
