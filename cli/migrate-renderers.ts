import type { DataRenderer } from "./render.ts";
import { dim, formatDuration, green, red, table, yellow } from "./render.ts";

interface AppliedRow {
  version: string;
  name: string;
  appliedAt?: string;
  durationMs?: number;
  checksum?: string;
}
interface PendingRow {
  version: string;
  name: string;
  transaction?: string;
  kinds?: string[];
  risks?: { code: string; message: string; line?: number }[];
}

const rows = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

const renderStatus: DataRenderer = (data) => {
  const applied = rows<AppliedRow>(data.applied).map((row) => [
    row.checksum === "ok" ? green("applied") : red(`applied (${row.checksum})`),
    row.version,
    row.name,
    dim(
      `${row.appliedAt ?? ""} ${row.durationMs === undefined ? "" : formatDuration(row.durationMs)}`,
    ),
  ]);
  const pending = rows<PendingRow>(data.pending).map((row) => [
    yellow("pending"),
    row.version,
    row.name,
    "",
  ]);
  const failed = rows<{ version: string; name?: string; explanation?: string }>(data.failed).map(
    (row) => [red("failed"), row.version, row.name ?? "", row.explanation ?? ""],
  );
  return table([...applied, ...failed, ...pending]);
};

const renderPlan: DataRenderer = (data) =>
  rows<PendingRow>(data.pending).flatMap((row) => [
    `${row.version}  ${row.name}  ${dim(`${row.transaction === "none" ? "no transaction" : "transaction"}; ${(row.kinds ?? []).join(", ")}`)}`,
    ...(row.risks ?? []).map(
      (risk) => `    ${yellow(risk.code)}${risk.line ? dim(` line ${risk.line}`) : ""}`,
    ),
  ]);

const renderRolledBack: DataRenderer = (data) =>
  rows<string>(data.rolledBack).map((version) => `${yellow("↶")} ${version}`);

/** Human renderers of the migration function's operations, by operation. */
export const migrateRenderers: Record<string, DataRenderer> = {
  status: renderStatus,
  plan: renderPlan,
  rollback: renderRolledBack,
};
