/**
 * Runs bench/migrate alone: `npx tsx bench/migrate/run.ts`
 * (BENCH_MIGRATIONS overrides the migration count, a multiple of 4).
 */
import { runMigrateBench } from "./migrate-bench.ts";

const migrations = Number(process.env.BENCH_MIGRATIONS ?? 500);
process.exitCode = (await runMigrateBench({ migrations })) ? 0 : 1;
