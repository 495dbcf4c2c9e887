import { createDatabase } from "../../cli/local/embedded-postgres.ts";
import { countInstructions } from "./count-instructions.ts";
import type { ExpectedSchema } from "./generate-migrations.ts";
import type { ToolOutcome } from "./migrate-report.ts";
import type { MigrationTool } from "./migration-tools.ts";
import { type CommandLine, timeProcess } from "./time-process.ts";
import { findMissingWork } from "./verify-applied.ts";

/** A generated set of migrations, written in every tool's format. */
export interface Workload {
  readonly count: number;
  readonly expected: ExpectedSchema;
  dirFor(tool: MigrationTool): string;
}

type Outcomes = Map<string, ToolOutcome>;

/**
 * Runs the tools' commands on one workload and checks their work, interleaved round by round (the
 * order rotates) so machine noise spreads over every tool alike.
 *
 * @example
 * const runs = new ToolRuns(tools, workload, repoRoot);
 * const up = await runs.upIntoFreshDatabases(3, server.adminUrl);
 */
export class ToolRuns {
  /** Commands that failed or left work undone. */
  failures = 0;
  private readonly migratedDatabase = new Map<string, string>();

  constructor(
    private readonly tools: readonly MigrationTool[],
    private readonly workload: Workload,
    private readonly cwd: string,
  ) {}

  /** `up` with everything pending, each run into a new database; verifies all work was done. */
  async upIntoFreshDatabases(rounds: number, adminUrl: string): Promise<Outcomes> {
    const outcomes: Outcomes = new Map();
    for (let round = 1; round <= rounds; round += 1) {
      for (const tool of rotate(this.tools, round)) {
        if (outcomes.get(tool.name)?.kind === "failed") continue;
        const name = `bench_${tool.name.replaceAll("-", "_")}_${this.workload.count}_${round}`;
        const url = await createDatabase(adminUrl, name);
        const run = await timeProcess(tool.up(url, this.workload.dirFor(tool)), this.cwd);
        const problem =
          run.exitCode === 0
            ? await findMissingWork(url, tool.historyTable, this.workload.expected)
            : describeExit(run.exitCode, run.output);
        if (problem) this.fail(outcomes, tool, `up: ${problem}`);
        else {
          this.migratedDatabase.set(tool.name, url);
          addSample(outcomes, tool.name, run.seconds);
        }
      }
    }
    return outcomes;
  }

  /** `status` or `up` on each tool's fully migrated database; the work is re-checked afterwards. */
  async onMigratedDatabases(command: "status" | "up", rounds: number): Promise<Outcomes> {
    const outcomes: Outcomes = new Map();
    for (const tool of this.tools) {
      if (!tool[command])
        outcomes.set(tool.name, { kind: "unavailable", reason: `has no ${command} command` });
      else if (!this.migratedDatabase.has(tool.name))
        outcomes.set(tool.name, { kind: "failed", reason: "no migrated database (up failed)" });
    }
    const label = `${command} with all applied`;
    for (let round = 1; round <= rounds; round += 1) {
      for (const tool of rotate(this.tools, round)) {
        const lineFor = tool[command];
        const url = this.migratedDatabase.get(tool.name);
        if (!lineFor || !url || outcomes.get(tool.name)?.kind === "failed") continue;
        const run = await timeProcess(lineFor(url, this.workload.dirFor(tool)), this.cwd);
        if (run.exitCode !== 0)
          this.fail(outcomes, tool, `${label}: ${describeExit(run.exitCode, run.output)}`);
        else addSample(outcomes, tool.name, run.seconds);
      }
    }
    for (const tool of this.tools) {
      const url = this.migratedDatabase.get(tool.name);
      if (outcomes.get(tool.name)?.kind !== "measured" || !url) continue;
      const problem = await findMissingWork(url, tool.historyTable, this.workload.expected);
      if (problem) this.fail(outcomes, tool, `after ${label}: ${problem}`);
    }
    return outcomes;
  }

  /**
   * Instructions of `status` on each tool's migrated database, and of `baseline` (one run each:
   * the count barely moves between runs). Tools without `status` or a migrated database are left out.
   */
  async statusInstructions(baseline: CommandLine): Promise<Map<string, number>> {
    const counts = new Map([["baseline", await countInstructions(baseline, this.cwd)]]);
    for (const tool of this.tools) {
      const url = this.migratedDatabase.get(tool.name);
      if (!tool.status || !url) continue;
      counts.set(
        tool.name,
        await countInstructions(tool.status(url, this.workload.dirFor(tool)), this.cwd),
      );
    }
    return counts;
  }

  /** The tools' cheapest invocation (help or version), and `baseline` (e.g. `node -e 0`) beside them. */
  async startUp(
    rounds: number,
    baseline: CommandLine,
  ): Promise<{ tools: Outcomes; baseline: number[] }> {
    const outcomes: Outcomes = new Map();
    const baselineSeconds: number[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      baselineSeconds.push((await timeProcess(baseline, this.cwd)).seconds);
      for (const tool of rotate(this.tools, round)) {
        if (outcomes.get(tool.name)?.kind === "failed") continue;
        const run = await timeProcess(tool.startup(), this.cwd);
        if (run.exitCode !== 0)
          this.fail(outcomes, tool, `start-up: ${describeExit(run.exitCode, run.output)}`);
        else addSample(outcomes, tool.name, run.seconds);
      }
    }
    return { tools: outcomes, baseline: baselineSeconds };
  }

  private fail(outcomes: Outcomes, tool: MigrationTool, reason: string): void {
    this.failures += 1;
    outcomes.set(tool.name, { kind: "failed", reason });
  }
}

function addSample(outcomes: Outcomes, tool: string, seconds: number): void {
  const previous = outcomes.get(tool);
  const samples = previous?.kind === "measured" ? previous.seconds : [];
  outcomes.set(tool, { kind: "measured", seconds: [...samples, seconds] });
}

/** The tools in a different order each round, so no tool always runs first or last. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describeExit(exitCode: number | null, output: string): string {
  const lastLines = output.trim().split("\n").slice(-3).join(" | ");
  return `exit ${exitCode}: ${lastLines.slice(0, 300)}`;
}
