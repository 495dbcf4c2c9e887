import { dim, green, red, table, yellow } from "./render.ts";

interface CheckView {
  name: string;
  status: "ok" | "warn" | "fail";
  message: string;
  measured?: Record<string, unknown>;
}

const STATUS = { ok: green("ok"), warn: yellow("warn"), fail: red("fail") };

/** Health checks as a table: status, name, what was measured, and the message when not ok. */
export function renderHealthChecks(data: Record<string, unknown>): string[] {
  const checks = (data.checks ?? []) as CheckView[];
  return table(
    checks.map((check) => [
      STATUS[check.status] ?? check.status,
      check.name,
      check.status === "ok" ? dim(formatMeasured(check.measured)) : check.message,
    ]),
  );
}

function formatMeasured(measured: Record<string, unknown> | undefined): string {
  if (!measured) return "";
  return Object.entries(measured)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
}
