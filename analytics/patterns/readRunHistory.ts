import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { RunHistoryError } from "./errors.ts";
import { parseHistoryLine } from "./parseHistoryLine.ts";
import type { HistoryEntry } from "./types.ts";

/**
 * Streams a JSON-lines run history (result envelopes, local invocation records, deploy
 * markers), one line at a time. Blank lines are skipped; any other bad line stops the read with
 * `RunHistoryError` `HISTORY_BAD_LINE` naming it — a partial history would skew every rate.
 *
 * @example
 * const entries = await readRunHistory(".ops/invocations.jsonl", { knownFunctions: ["migration"] });
 */
export async function readRunHistory(
  file: string,
  options: { knownFunctions?: readonly string[] } = {},
): Promise<HistoryEntry[]> {
  try {
    await access(file);
  } catch (error) {
    throw new RunHistoryError("HISTORY_NOT_FOUND", `No such run history file '${file}'`, {
      cause: error,
    });
  }
  const entries: HistoryEntry[] = [];
  const lines = createInterface({
    input: createReadStream(file, { encoding: "utf8" }),
    crlfDelay: Infinity,
  });
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    const trimmed = lineNumber === 1 ? text.replace(/^\uFEFF/, "").trim() : text.trim();
    if (trimmed === "") continue;
    entries.push(parseHistoryLine(trimmed, lineNumber, options.knownFunctions));
  }
  return entries;
}
