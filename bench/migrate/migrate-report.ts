import { median } from "./time-process.ts";

/** One tool's outcome in one scenario. */
export type ToolOutcome =
  | { readonly kind: "measured"; readonly seconds: readonly number[] }
  | { readonly kind: "failed"; readonly reason: string }
  | { readonly kind: "unavailable"; readonly reason: string };

/** A measured scenario (e.g. `up` with 500 pending), with every tool's outcome by tool name. */
export interface Scenario {
  readonly title: string;
  /** Whether the goal (ops ≤ 1.0× the fastest peer) is judged on this row, or it is informative. */
  readonly judged: boolean;
  readonly outcomes: ReadonlyMap<string, ToolOutcome>;
}

export const SUBJECT = "ops";
export const GOAL_RATIO = 1.0;

/**
 * Renders scenarios as an aligned table: one column per tool (median seconds), then ops' ratio to
 * the fastest peer and the verdict, followed by the footnotes for unavailable or failed cells.
 *
 * @example
 * console.log(renderMigrateTable(["ops", "dbmate"], scenarios).join("\n"));
 */
export function renderMigrateTable(
  tools: readonly string[],
  scenarios: readonly Scenario[],
): string[] {
  const notes: string[] = [];
  const judged = scenarios.some((scenario) => scenario.judged);
  const header = ["", ...tools, "ops / fastest peer"];
  if (judged) header.push(`goal ≤ ${GOAL_RATIO.toFixed(1)}×`);
  const rows = scenarios.map((scenario) => {
    const cells = tools.map((tool) => cellFor(scenario.outcomes.get(tool), tool, notes));
    const comparison = compareToFastestPeer(scenario);
    const verdict = !scenario.judged
      ? ""
      : comparison === undefined
        ? "not measured"
        : comparison.ratio <= GOAL_RATIO
          ? "met"
          : "NOT met";
    const ratio = comparison ? `${comparison.ratio.toFixed(2)}× (${comparison.peer})` : "–";
    return judged ? [scenario.title, ...cells, ratio, verdict] : [scenario.title, ...cells, ratio];
  });
  return [...alignColumns([header, ...rows]), ...[...new Set(notes)].map((note) => `  ${note}`)];
}

/** ops' median over the fastest peer's median, when both were measured. */
export function compareToFastestPeer(
  scenario: Scenario,
): { readonly ratio: number; readonly peer: string } | undefined {
  const ops = scenario.outcomes.get(SUBJECT);
  if (ops?.kind !== "measured") return undefined;
  let fastest: { peer: string; seconds: number } | undefined;
  for (const [peer, outcome] of scenario.outcomes) {
    if (peer === SUBJECT || outcome.kind !== "measured") continue;
    const seconds = median(outcome.seconds);
    if (!fastest || seconds < fastest.seconds) fastest = { peer, seconds };
  }
  const subject = median(ops.seconds);
  if (!fastest || fastest.seconds <= 0 || subject <= 0) return undefined;
  return { ratio: subject / fastest.seconds, peer: fastest.peer };
}

function cellFor(outcome: ToolOutcome | undefined, tool: string, notes: string[]): string {
  if (!outcome) return "–";
  if (outcome.kind === "measured") return formatSeconds(median(outcome.seconds));
  notes.push(`${tool}: ${outcome.reason}`);
  return outcome.kind === "failed" ? "FAILED" : "n/a";
}

/** `1.23 s`, `456 ms`, or `0.85 ms` for the small per-migration costs. */
export function formatSeconds(seconds: number): string {
  if (Math.abs(seconds) >= 1) return `${seconds.toFixed(2)} s`;
  const ms = seconds * 1000;
  return `${Math.abs(ms) >= 10 ? ms.toFixed(0) : ms.toFixed(2)} ms`;
}

/** Pads every column to its widest cell. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("   ")
      .trimEnd(),
  );
}
