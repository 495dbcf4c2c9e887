import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { devNull } from "node:os";
import path from "node:path";
import { analyzeSeriesFile, parseDetectorName, SeriesInputError } from "../../analytics/index.ts";
import {
  analyzeRunHistory,
  describeRunHistory,
  RunHistoryError,
  readFunctionLimits,
  readRunHistory,
} from "../../analytics/patterns/index.ts";
import { parseCommandArgs } from "../args.ts";
import { renderFindings } from "../findings-renderer.ts";
import { PACKAGE_ROOT } from "../local/paths.ts";
import { bold, dim, table, yellow } from "../render.ts";
import type { CliIo } from "../run-operation.ts";
import { EXIT_OK, UsageError } from "../usage.ts";

const SHOWN_ANOMALIES = 20;

/**
 * `ops analyze --input FILE.csv [--output FILE.csv] [--detector NAME] [--json]` scores a
 * `timestamp,value` series (DESIGN.md §3.6); `ops analyze --history FILE.jsonl` ranks failure
 * patterns in a run history.
 */
export async function analyzeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    input: { type: "string" },
    output: { type: "string" },
    detector: { type: "string" },
    history: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.history !== undefined) {
    if (values.input !== undefined)
      throw new UsageError("give either --input or --history, not both");
    return analyzeHistory({ history: values.history, json: values.json ?? false }, io);
  }
  if (values.input === undefined)
    throw new UsageError("--input FILE.csv (or --history FILE.jsonl) is required");
  return analyzeSeries(
    {
      input: values.input,
      output: values.output,
      detector: values.detector,
      json: values.json ?? false,
    },
    io,
  );
}

async function analyzeSeries(
  options: {
    input: string;
    output: string | undefined;
    detector: string | undefined;
    json: boolean;
  },
  io: CliIo,
): Promise<number> {
  const input = path.resolve(options.input);
  if (!existsSync(input)) throw new UsageError(`--input: no such file '${options.input}'`);
  const detector = await parseOrUsage(() => parseDetectorName(options.detector ?? "ensemble"));
  // Score into a temporary file and rename it at the end: a failure never leaves half a file
  // in place of an earlier good one.
  const output = options.output ? path.resolve(options.output) : undefined;
  const scratch = output ? `${output}.${process.pid}.tmp` : devNull;
  let result: Awaited<ReturnType<typeof analyzeSeriesFile>>;
  try {
    result = await parseOrUsage(() => analyzeSeriesFile({ input, output: scratch, detector }));
  } catch (error) {
    if (output) await rm(scratch, { force: true });
    throw error;
  }
  if (output) await rename(scratch, output);
  const anomalies = result.flagged;
  if (options.json) {
    io.stdout(
      JSON.stringify(
        {
          input: options.input,
          output: options.output ?? null,
          detector,
          rows: result.rows,
          anomalyCount: result.flaggedCount,
          anomalies,
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  io.stdout(
    `${bold(`Scored ${result.rows} rows with ${detector}`)}: ${result.flaggedCount} anomalies (score ≥ 0.5)`,
  );
  io.stdout(
    table(
      anomalies
        .slice(0, SHOWN_ANOMALIES)
        .map((a) => [
          yellow(a.score.toFixed(3)),
          a.timestamp,
          String(Number(a.value.toPrecision(12))),
        ]),
    )
      .map((line) => `  ${line}`)
      .join("\n"),
  );
  if (anomalies.length > SHOWN_ANOMALIES)
    io.stdout(dim(`  … and ${result.flaggedCount - SHOWN_ANOMALIES} more (--json lists them)`));
  if (output) io.stdout(dim(`Wrote ${options.output}`));
  return EXIT_OK;
}

/**
 * `--history FILE.jsonl`: failure patterns in a run history, ranked (analytics/patterns). Exit 0
 * whenever the analysis ran — findings are its report, not a failure; 2 for a missing file or a
 * bad line (named).
 */
async function analyzeHistory(options: { history: string; json: boolean }, io: CliIo) {
  const limits = await readFunctionLimits(
    path.join(PACKAGE_ROOT, "infra/functions.auto.tfvars.json"),
  );
  let entries: Awaited<ReturnType<typeof readRunHistory>>;
  try {
    entries = await readRunHistory(path.resolve(options.history), {
      knownFunctions: Object.keys(limits),
    });
  } catch (error) {
    if (error instanceof RunHistoryError) throw new UsageError(`--history: ${error.message}`);
    throw error;
  }
  const findings = analyzeRunHistory(entries, { functions: limits });
  const history = { file: options.history, ...describeRunHistory(entries) };
  io.stdout(
    options.json
      ? JSON.stringify({ history, findings }, null, 2)
      : renderFindings(findings, history).join("\n"),
  );
  return EXIT_OK;
}

/** Runs `fn`, turning bad input (CSV, detector name) into a usage error naming the line. */
async function parseOrUsage<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SeriesInputError) throw new UsageError(error.message);
    throw error;
  }
}
