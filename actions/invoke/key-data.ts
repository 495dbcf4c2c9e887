import { isRecord } from "../../lambdas/kit/envelope.ts";

/** Lists in a result's `data` worth a line of their own, with how people call them. */
const LISTS: Readonly<Record<string, string>> = {
  applied: "Applied",
  rolledBack: "Rolled back",
  remainingApplied: "Still applied",
  wouldRollBack: "Would roll back",
  pending: "Pending",
  invalidIndexes: "Invalid indexes",
};
const MAX_ITEMS = 50;
const MAX_LINES = 40;

/**
 * The lines of an operation's `data` a person acts on: the migrations applied, rolled back or
 * pending, the failed migration, the failing and warning health checks, then other scalar fields.
 *
 * @example
 * keyDataLines({ applied: ["20240101090000"], pending: [] }); // ["Applied: 20240101090000", "Pending: none"]
 */
export function keyDataLines(data: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, label] of Object.entries(LISTS)) {
    const value = data[key];
    if (Array.isArray(value)) lines.push(`${label}: ${listText(value)}`);
  }
  if (typeof data.failed === "string") lines.push(`Failed migration: ${data.failed}`);
  if (Array.isArray(data.checks)) lines.push(...checkLines(data.checks));
  for (const [key, value] of Object.entries(data)) {
    if (key in LISTS || key === "failed" || key === "checks") continue;
    if (value === null || typeof value !== "object") lines.push(`${key}: ${String(value)}`);
    else if (key === "counts" && isRecord(value)) lines.push(`${key}: ${countsText(value)}`);
  }
  return lines.slice(0, MAX_LINES);
}

function listText(items: unknown[]): string {
  if (items.length === 0) return "none";
  const shown = items
    .slice(0, MAX_ITEMS)
    .map((item) => (isRecord(item) ? describeItem(item) : String(item)));
  const more = items.length > MAX_ITEMS ? ` and ${items.length - MAX_ITEMS} more` : "";
  return `${shown.join(", ")}${more}`;
}

function describeItem(item: Record<string, unknown>): string {
  const name = item.name ?? item.index ?? item.version;
  return typeof name === "string" ? name : JSON.stringify(item);
}

function checkLines(checks: unknown[]): string[] {
  const notOk = checks.filter((check) => isRecord(check) && check.status !== "ok");
  if (notOk.length === 0) return [`Checks: all ${checks.length} ok`];
  return notOk.map((check) => {
    const { name, status, message } = check as Record<string, unknown>;
    return `${String(status).toUpperCase()} ${String(name)}: ${String(message ?? "")}`;
  });
}

function countsText(counts: Record<string, unknown>): string {
  return Object.entries(counts)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(", ");
}
