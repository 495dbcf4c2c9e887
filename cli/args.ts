import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `util.parseArgs` with errors turned into `UsageError`s naming the argument.
 *
 * @example
 * const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, "."));
  }
}

/** A positive integer option, or a UsageError naming it. */
export function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return Number(value);
}
