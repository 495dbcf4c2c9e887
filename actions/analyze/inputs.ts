/**
 * The analyze action's inputs, validated into an `AnalyzeConfig` before any AWS call. Each bad
 * input fails the step with one line naming it, the value and what is accepted.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { DETECTOR_NAMES, type DetectorName } from "../../analytics/index.ts";
import { resolveFunctionName } from "../../analytics/patterns/index.ts";
import { environmentConfig, functionKeys } from "../kit/functions.ts";
import {
  choiceInput,
  excerpt,
  InputError,
  type InputReader,
  integerInput,
  patternInput,
  requiredInput,
} from "../kit/inputs.ts";
import type { MetricTarget } from "./metrics.ts";

/** Everything the analysis needs, validated. */
export interface AnalyzeConfig {
  /** The environment's name (the kit's `environment` dimension, the severity weight). */
  readonly environment: string;
  readonly region: string;
  readonly functions: readonly MetricTarget[];
  readonly lookbackHours: number;
  readonly periodSeconds: number;
  /** Absolute path of a JSON-lines run history, when given. */
  readonly historyFile: string | undefined;
  readonly detector: DetectorName;
  readonly threshold: number;
  /** Fail the step when a finding's severity reaches this. */
  readonly failOnSeverity: number | undefined;
}

const ENVIRONMENT = /^[A-Za-z0-9_-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** CloudWatch keeps 5-minute data for 63 days; further back only hourly data remains. */
const MAX_LOOKBACK_HOURS = 63 * 24;
/** Bounds the memory and time of one series (a week at 1-minute resolution is 10 080 points). */
const MAX_POINTS_PER_SERIES = 20_160;

/**
 * Reads and validates every input of actions/analyze.
 *
 * @example
 * const config = parseAnalyzeInputs(core.getInput, process.env);
 */
export function parseAnalyzeInputs(read: InputReader, env: NodeJS.ProcessEnv): AnalyzeConfig {
  const name = requiredInput(read, "environment");
  if (!ENVIRONMENT.test(name)) {
    throw new InputError(
      "environment",
      `Input 'environment' must be an environment name, got '${excerpt(name)}'`,
    );
  }
  const environment = environmentConfig(name, "environment");
  const functions = readFunctions(read, environment.name_prefix);
  const lookbackHours = integerInput(read, "lookback-hours", {
    min: 1,
    max: MAX_LOOKBACK_HOURS,
    fallback: 168,
  });
  const periodSeconds = integerInput(read, "period-seconds", {
    min: 60,
    max: 86_400,
    fallback: 300,
  });
  if (periodSeconds % 60 !== 0) {
    throw new InputError(
      "period-seconds",
      `Input 'period-seconds' must be a multiple of 60 (CloudWatch's periods for standard metrics), got '${periodSeconds}'`,
    );
  }
  const points = Math.ceil((lookbackHours * 3600) / periodSeconds);
  if (points > MAX_POINTS_PER_SERIES) {
    throw new InputError(
      "period-seconds",
      `Input 'period-seconds' gives ${points} points per series over ${lookbackHours} h, more than ${MAX_POINTS_PER_SERIES}: raise it or lower 'lookback-hours'`,
    );
  }
  return {
    environment: name,
    region:
      patternInput(read, "aws-region", REGION, "an AWS region such as eu-west-1") ??
      env.AWS_REGION ??
      env.AWS_DEFAULT_REGION ??
      environment.region,
    functions,
    lookbackHours,
    periodSeconds,
    historyFile: readHistoryFile(read, env),
    detector: choiceInput(read, "detector", DETECTOR_NAMES, "ensemble"),
    threshold: fractionInput(read, "threshold", 0.5, { allowZero: false }),
    failOnSeverity:
      read("fail-on-severity") === ""
        ? undefined
        : fractionInput(read, "fail-on-severity", 1, { allowZero: true }),
  };
}

/**
 * The `functions` input: keys of functions.auto.tfvars.json or deployed names, separated by
 * commas, spaces or new lines; every key when empty. A name with the environment's prefix and a
 * known key (`ops-staging-migration`) counts as that key, so the kit's metrics are read for it.
 */
function readFunctions(read: InputReader, namePrefix: string): MetricTarget[] {
  const keys = functionKeys();
  const given = read("functions")
    .split(/[\s,]+/)
    .filter((item) => item !== "");
  const items = given.length > 0 ? [...new Set(given)] : keys;
  return items.map((item) => {
    if (keys.includes(item)) return { functionName: `${namePrefix}${item}`, functionKey: item };
    if (!FUNCTION_NAME.test(item)) {
      throw new InputError(
        "functions",
        `Input 'functions' must list function keys (${keys.join(" | ")}) or function names, got '${excerpt(item)}'`,
      );
    }
    const resolved = resolveFunctionName(item, keys);
    const isOurs = item.startsWith(namePrefix) && `${namePrefix}${resolved.key}` === item;
    return isOurs && keys.includes(resolved.key)
      ? { functionName: item, functionKey: resolved.key }
      : { functionName: item };
  });
}

function readHistoryFile(read: InputReader, env: NodeJS.ProcessEnv): string | undefined {
  const file = read("history-file");
  if (file === "") return undefined;
  const fullPath = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), file);
  if (!existsSync(fullPath)) {
    throw new InputError(
      "history-file",
      `Input 'history-file' must name a JSON-lines run history in the workspace, got '${excerpt(file)}' (not found)`,
    );
  }
  return fullPath;
}

/** A number in [0, 1] (or (0, 1] without `allowZero`), or the default. */
function fractionInput(
  read: InputReader,
  name: string,
  fallback: number,
  options: { allowZero: boolean },
): number {
  const value = read(name);
  if (value === "") return fallback;
  const number = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
  const low = options.allowZero ? number >= 0 : number > 0;
  if (!(low && number <= 1)) {
    throw new InputError(
      name,
      `Input '${name}' must be a number ${options.allowZero ? "from 0" : "above 0"} to 1, got '${excerpt(value)}'`,
    );
  }
  return number;
}
