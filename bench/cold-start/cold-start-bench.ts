import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { alignColumns, formatSeconds } from "../migrate/migrate-report.ts";
import { type CommandLine, median, timeProcess } from "../migrate/time-process.ts";
import { buildLambdaBundles, existingLambdaBundles, type LambdaBundle } from "./lambda-bundles.ts";

export interface ColdStartBenchOptions {
  /** Fresh processes per measured command. */
  readonly rounds?: number;
  /** Measure the bundles already in build/lambdas instead of building them first. */
  readonly skipBuild?: boolean;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GOAL_RATIO = 1.5;
const GOAL_BYTES = 1_000_000;
// What Lambda sets that a handler may read at import; given to bare Node too, for the same start.
const LAMBDA_ENV = { AWS_REGION: "us-east-1", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512" };

/**
 * bench/cold-start: for each bundled handler, fresh Node processes that import it (and, separately,
 * import it and answer a warm-up ping), interleaved with `node -e 0`; prints medians, the ratio of
 * import + ping to bare Node, and the bundle sizes. Returns false when a handler failed or was
 * not built.
 *
 * @example
 * const allMeasured = await runColdStartBench({ rounds: 15 });
 */
export async function runColdStartBench(options: ColdStartBenchOptions = {}): Promise<boolean> {
  const rounds = options.rounds ?? 15;
  console.log("\n== bench/cold-start: bundled handlers vs bare `node -e 0` ==");
  const { bundles, missing } = options.skipBuild
    ? await existingLambdaBundles(REPO_ROOT)
    : await buildLambdaBundles(REPO_ROOT);
  for (const { name, reason } of missing) console.log(`  ${name}: ${reason}`);

  const measurable: LambdaBundle[] = [];
  for (const bundle of bundles) {
    const problem = await checkWarmupReply(bundle);
    if (problem) {
      missing.push({ name: bundle.name, reason: problem });
      console.log(`  ${bundle.name}: warm-up ping failed: ${problem}`);
    } else measurable.push(bundle);
  }

  const commands = new Map<string, CommandLine>([["node -e 0", nodeEval("0", "bare")]]);
  for (const bundle of measurable) {
    commands.set(`${bundle.name} import`, nodeEval(importOnly(bundle), bundle.name));
    commands.set(`${bundle.name} ping`, nodeEval(importAndPing(bundle), bundle.name));
  }
  const samples = await timeInterleaved(commands, rounds);
  const bareSamples = samples.get("node -e 0") ?? [];
  // Each round's runs are close in time: compare within a round, then take the median over rounds.
  const perRound = (label: string, compare: (sample: number, bare: number) => number) =>
    median(
      (samples.get(label) ?? []).map((sample, round) =>
        compare(sample, bareSamples[round] ?? Number.NaN),
      ),
    );

  console.log(
    `medians of ${rounds} fresh processes each, interleaved; bare node -e 0 = ${formatSeconds(median(bareSamples))}; ratio = median over rounds of (import + ping) / bare`,
  );
  const header = ["bundle", "import", "import + ping", "ratio to bare", `goal ≤ ${GOAL_RATIO}×`];
  header.push("index.mjs", "+ chunks", "total code", `goal < ${GOAL_BYTES / 1e6} MB`, "zip");
  const rows = measurable.map((bundle) => {
    const ratio = perRound(`${bundle.name} ping`, (sample, bare) => sample / bare);
    return [
      bundle.name,
      formatSeconds(median(samples.get(`${bundle.name} import`) ?? [])),
      formatSeconds(median(samples.get(`${bundle.name} ping`) ?? [])),
      `${ratio.toFixed(2)}×`,
      ratio <= GOAL_RATIO ? "met" : "NOT met",
      formatKiB(bundle.entryBytes),
      `${formatKiB(bundle.codeBytes - bundle.entryBytes)} (${bundle.chunkFiles} files)`,
      formatKiB(bundle.codeBytes),
      bundle.codeBytes < GOAL_BYTES ? "met" : "NOT met",
      bundle.zipBytes === undefined ? "–" : formatKiB(bundle.zipBytes),
    ];
  });
  for (const line of alignColumns([header, ...rows])) console.log(line);
  for (const bundle of measurable) {
    const importCost = perRound(`${bundle.name} import`, (sample, bare) => sample - bare);
    const pingCost = perRound(`${bundle.name} ping`, (sample, bare) => sample - bare) - importCost;
    console.log(
      `  ${bundle.name}: importing the bundle costs ${formatSeconds(importCost)} over bare Node; answering the warm-up ping ${formatSeconds(pingCost)} more (≤ 0 = within noise)`,
    );
  }
  console.log("  chunks are loaded on demand (e.g. the Secrets Manager client), not at cold start");
  return missing.length === 0;
}

/** Runs every command `rounds` times, in a rotating order each round to cancel drift. */
async function timeInterleaved(
  commands: ReadonlyMap<string, CommandLine>,
  rounds: number,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>();
  const entries = [...commands];
  for (let round = 0; round < rounds; round += 1) {
    const shift = round % entries.length;
    for (const [label, line] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
      const run = await timeProcess(line, REPO_ROOT);
      if (run.exitCode !== 0)
        throw new Error(`${label} exited ${run.exitCode}: ${run.output.slice(-300)}`);
      samples.set(label, [...(samples.get(label) ?? []), run.seconds]);
    }
  }
  return samples;
}

/** Imports the bundle in a fresh process, pings it, and checks it answered as a cold warm-up. */
async function checkWarmupReply(bundle: LambdaBundle): Promise<string | undefined> {
  const script = `${importOnly(bundle)}.then((m) => m.handler({ warmup: true })).then((r) => console.log(JSON.stringify(r)))`;
  const run = await timeProcess(nodeEval(script, bundle.name), REPO_ROOT);
  if (run.exitCode !== 0) return `exit ${run.exitCode}: ${run.output.trim().slice(-300)}`;
  const reply = run.output.trim().split("\n").at(-1) ?? "";
  const expected = { ok: true, warmup: true, coldStart: true };
  try {
    const parsed = JSON.parse(reply) as Record<string, unknown>;
    const matches = Object.entries(expected).every(([key, value]) => parsed[key] === value);
    return matches ? undefined : `unexpected reply ${reply}`;
  } catch {
    return `unexpected output ${reply.slice(0, 200)}`;
  }
}

function importOnly(bundle: LambdaBundle): string {
  return `import(${JSON.stringify(pathToFileURL(bundle.entry).href)})`;
}

function importAndPing(bundle: LambdaBundle): string {
  return `${importOnly(bundle)}.then((m) => m.handler({ warmup: true })).then((r) => { if (r.warmup !== true) process.exit(3); })`;
}

function nodeEval(script: string, functionName: string): CommandLine {
  return {
    command: process.execPath,
    args: ["-e", script],
    env: { ...LAMBDA_ENV, AWS_LAMBDA_FUNCTION_NAME: `ops-${functionName}` },
  };
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
