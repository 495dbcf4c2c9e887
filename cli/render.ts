import type { OpsResult } from "../lambdas/kit/envelope.ts";

/** Renders an operation's `data` for people; one per function/operation that has something to show. */
export type DataRenderer = (data: Record<string, unknown>) => string[];

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

/**
 * Human output of a result envelope: outcome and summary, the operation's data, warnings, and for a
 * failure its code, details and the next step.
 *
 * @example
 * console.log(renderResult(result, renderers[`${result.function}.${result.operation}`]));
 */
export function renderResult(result: OpsResult, renderData?: DataRenderer): string {
  const lines: string[] = [];
  const mark = result.ok ? green("✔") : red("✖");
  lines.push(`${mark} ${bold(result.summary)} ${dim(`(${formatDuration(result.durationMs)})`)}`);
  if (renderData) lines.push(...renderData(result.data).map((line) => `  ${line}`));
  for (const warning of result.warnings) lines.push(`  ${yellow("⚠")} ${warning}`);
  if (result.error) {
    const message = result.error.message === result.summary ? "" : `: ${result.error.message}`;
    lines.push(`  ${red(result.error.code)}${message}`);
    for (const [key, value] of Object.entries(result.error.details)) {
      lines.push(
        `    ${dim(`${key}:`)} ${typeof value === "string" ? value : JSON.stringify(value)}`,
      );
    }
    if (result.error.hint) lines.push(`  ${bold("Next:")} ${result.error.hint}`);
  }
  lines.push(dim(`  request ${result.requestId}`));
  return lines.join("\n");
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Pads columns of a table (every column but the last). */
export function table(rows: string[][]): string[] {
  const lengths = rows.map((row) => row.map(visibleLength));
  const widths: number[] = [];
  for (const row of lengths) {
    row.forEach((length, i) => {
      widths[i] = Math.max(widths[i] ?? 0, length);
    });
  }
  return rows.map((row, r) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - (lengths[r]?.[i] ?? 0)),
      )
      .join("  "),
  );
}

function visibleLength(text: string): number {
  if (!text.includes("\u001b")) return text.length;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  return text.replace(/\u001b\[\d+m/g, "").length;
}
