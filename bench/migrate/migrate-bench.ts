import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "../../cli/local/embedded-postgres.ts";
import { valgrindAvailable } from "./count-instructions.ts";
import {
  expectedSchema,
  generateMigrations,
  toDbmateFile,
  toNodePgMigrateFile,
  writeMigrations,
} from "./generate-migrations.ts";
import {
  formatSeconds,
  renderMigrateTable,
  type Scenario,
  type ToolOutcome,
} from "./migrate-report.ts";
import { migrationTools } from "./migration-tools.ts";
import { median } from "./time-process.ts";
import { ToolRuns, type Workload } from "./tool-runs.ts";

export interface MigrateBenchOptions {
  /** Number of generated migrations (a multiple of 4). */
  readonly migrations?: number;
  /** Runs of `up` per tool, each into a fresh database. */
  readonly upRounds?: number;
  /** Runs of `status` per tool on the migrated database. */
  readonly statusRounds?: number;
  /** Runs of the informative commands (no-op up, start-up) per tool. */
  readonly infoRounds?: number;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The small workload beside the big one: what every run costs whatever its size. */
const SMALL_COUNT = 4;

/**
 * bench/migrate: the same generated migrations applied by `ops migrate up`, dbmate and
 * node-pg-migrate, each into a fresh database on one embedded PostgreSQL server, interleaved; then
 * `status` on the migrated databases. Prints medians and ops' ratio to the fastest peer, then where
 * the time goes (start-up, a 4-migration run, a no-op run, the cost per migration). Returns false
 * when a tool failed or did not apply everything.
 *
 * @example
 * const allWorkDone = await runMigrateBench({ migrations: 500 });
 */
export async function runMigrateBench(options: MigrateBenchOptions = {}): Promise<boolean> {
  const count = options.migrations ?? 500;
  const upRounds = options.upRounds ?? 3;
  const statusRounds = options.statusRounds ?? 9;
  const infoRounds = options.infoRounds ?? 3;
  const tools = migrationTools({ repoRoot: REPO_ROOT });
  const names = tools.map((tool) => tool.name);
  const workDir = await mkdtemp(path.join(tmpdir(), "ops-bench-migrate-"));
  // The server runs as the `postgres` system user when we are root: it must reach its data dir.
  await chmod(workDir, 0o755);
  console.log(`\n== bench/migrate: ${count} generated migrations, one embedded PostgreSQL ==`);
  const server = await startEmbeddedPostgres({
    dir: path.join(workDir, "postgres"),
    persistent: false,
  });
  try {
    const big = new ToolRuns(tools, await writeWorkload(workDir, count), REPO_ROOT);
    const small = new ToolRuns(tools, await writeWorkload(workDir, SMALL_COUNT), REPO_ROOT);
    const freshUp = await big.upIntoFreshDatabases(upRounds, server.adminUrl);
    const status = await big.onMigratedDatabases("status", statusRounds);
    console.log(
      `ops and dbmate read the same files (dbmate format); node-pg-migrate its SQL format. Medians of ${upRounds} (up, fresh database each) and ${statusRounds} (status) runs, tools interleaved:`,
    );
    printTable(names, [
      { title: `up (${count} pending)`, judged: true, outcomes: freshUp },
      { title: `status (${count} applied)`, judged: true, outcomes: status },
    ]);

    const smallUp = await small.upIntoFreshDatabases(infoRounds, server.adminUrl);
    const noopUp = await big.onMigratedDatabases("up", infoRounds);
    const startUp = await big.startUp(infoRounds, { command: process.execPath, args: ["-e", "0"] });
    console.log(
      `\nwhere the time goes (medians of ${infoRounds}; bare node -e 0 = ${formatSeconds(median(startUp.baseline))}):`,
    );
    printTable(names, [
      { title: "start-up (help/version)", judged: false, outcomes: startUp.tools },
      { title: `up (${SMALL_COUNT} pending)`, judged: false, outcomes: smallUp },
      { title: `up (nothing pending, ${count} applied)`, judged: false, outcomes: noopUp },
      {
        title: `per migration: (up ${count} − up ${SMALL_COUNT}) / ${count - SMALL_COUNT}`,
        judged: false,
        outcomes: perMigration(freshUp, smallUp, count - SMALL_COUNT),
      },
    ]);
    if (process.env.BENCH_INSTRUCTIONS) await printStatusInstructions(big);
    return big.failures + small.failures === 0;
  } finally {
    await server.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** `status` in instructions (valgrind): the same comparison without the machine's load in it. */
async function printStatusInstructions(runs: ToolRuns): Promise<void> {
  if (!valgrindAvailable()) {
    console.log("\nBENCH_INSTRUCTIONS: valgrind is not installed; instruction counts skipped.");
    return;
  }
  const counts = await runs.statusInstructions({ command: process.execPath, args: ["-e", "0"] });
  const bare = counts.get("baseline") ?? 0;
  console.log(
    `\nstatus in instructions (valgrind; one run each, load-independent; bare node -e 0 = ${(bare / 1e6).toFixed(0)} M):`,
  );
  const ops = counts.get("ops");
  for (const [tool, count] of counts) {
    if (tool === "baseline") continue;
    const ratio = ops && tool !== "ops" ? `  ops/${tool} ${(ops / count).toFixed(2)}×` : "";
    console.log(
      `  ${tool.padEnd(16)} ${(count / 1e6).toFixed(0).padStart(6)} M  (${((count - bare) / 1e6).toFixed(0)} M beyond bare node)${ratio}`,
    );
  }
}

async function writeWorkload(workDir: string, count: number): Promise<Workload> {
  const migrations = generateMigrations(count);
  const dbmateDir = path.join(workDir, `migrations-${count}-dbmate`);
  const nodePgMigrateDir = path.join(workDir, `migrations-${count}-node-pg-migrate`);
  await writeMigrations(dbmateDir, migrations, toDbmateFile);
  await writeMigrations(nodePgMigrateDir, migrations, toNodePgMigrateFile);
  return {
    count,
    expected: expectedSchema(count),
    dirFor: (tool) => (tool.format === "dbmate" ? dbmateDir : nodePgMigrateDir),
  };
}

/** The marginal cost of one migration: the difference of two runs' medians over their size gap. */
function perMigration(
  big: ReadonlyMap<string, ToolOutcome>,
  small: ReadonlyMap<string, ToolOutcome>,
  extraMigrations: number,
): Map<string, ToolOutcome> {
  const outcomes = new Map<string, ToolOutcome>();
  for (const [tool, outcome] of big) {
    const smaller = small.get(tool);
    if (outcome.kind !== "measured" || smaller?.kind !== "measured") continue;
    const seconds = (median(outcome.seconds) - median(smaller.seconds)) / extraMigrations;
    outcomes.set(
      tool,
      seconds > 0
        ? { kind: "measured", seconds: [seconds] }
        : {
            kind: "unavailable",
            reason: "per-migration cost lost in the noise (big run ≤ small run)",
          },
    );
  }
  return outcomes;
}

function printTable(tools: readonly string[], scenarios: readonly Scenario[]): void {
  for (const line of renderMigrateTable(tools, scenarios)) console.log(line);
}
