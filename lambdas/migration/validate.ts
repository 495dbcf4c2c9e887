import type pg from "pg";
import type { OperationContext } from "../kit/context.ts";
import { OpsError } from "../kit/errors.ts";
import { describeDrift } from "./drift.ts";
import { describeSchema, fingerprintOf, readRecordedFingerprint } from "./fingerprint.ts";
import { countOf } from "./format.ts";
import type { EngineOptions, OperationResult } from "./options.ts";
import { explainFailure, findChecksumMismatches, findMissingFiles } from "./preflight.ts";
import { withReadSession } from "./session.ts";
import {
  type DatabaseState,
  describeUnexplainedInvalidIndexes,
  readDatabaseState,
} from "./state.ts";
import type { EngineTables } from "./tables.ts";
import type { MigrationManifest } from "./types.ts";

/** One thing `validateMigrations` found wrong. */
export interface ValidationProblem {
  readonly code:
    | "CHECKSUM_MISMATCH"
    | "MISSING_FILE"
    | "PREVIOUS_FAILURE"
    | "INVALID_INDEX"
    | "SCHEMA_DRIFT";
  readonly message: string;
}

/**
 * Checks that applied files are unchanged, that no no-transaction failure is unresolved, that no
 * index is invalid, and that the live schema matches the fingerprint recorded after the last run
 * (naming each difference, e.g. "column users.nickname added outside migrations"). Throws
 * `VALIDATION_FAILED` listing the problems; runs nothing and takes no lock.
 *
 * @example
 * await validateMigrations(manifest, { connection }, ctx); // "Valid: 12 applied migrations match…"
 */
export async function validateMigrations(
  manifest: MigrationManifest,
  options: EngineOptions,
  _ctx: OperationContext,
): Promise<OperationResult> {
  return withReadSession(options, async ({ client, tables }) => {
    const state = await readDatabaseState(client, tables, { tablesMayBeMissing: true });
    const drift = await checkDrift(client, tables, state);
    const problems = [...findStateProblems(manifest, state), ...drift.problems];
    const data = {
      applied: state.history.length,
      problems,
      fingerprint: drift.live,
      recordedFingerprint: drift.recorded,
    };
    if (problems.length > 0) {
      throw new OpsError(
        "VALIDATION_FAILED",
        `${countOf(problems.length, "problem")} found: ${problems.map((p) => p.message).join(" ")}`,
        {
          details: { problems },
          data,
          hint: problems.some((p) => p.code === "SCHEMA_DRIFT")
            ? "Put manual schema changes into a migration (or revert them), then migrate; other problems say what to run."
            : "Follow each problem's instruction, then validate again.",
        },
      );
    }
    return {
      summary: `Valid: ${countOf(state.history.length, "applied migration")} match their files and the schema matches the recorded fingerprint`,
      data,
      warnings: drift.warnings,
    };
  });
}

function findStateProblems(manifest: MigrationManifest, state: DatabaseState): ValidationProblem[] {
  return [
    ...findChecksumMismatches(manifest, state.history).map((mismatch) => ({
      code: "CHECKSUM_MISMATCH" as const,
      message: `Applied migration ${mismatch.file} was edited after it was applied (restore it, or repair with acceptEditedChecksums).`,
    })),
    ...findMissingFiles(manifest, state.history).map((version) => ({
      code: "MISSING_FILE" as const,
      message: `Applied migration ${version} has no file in the migrations directory.`,
    })),
    ...state.failures.map((failure) => ({
      code: "PREVIOUS_FAILURE" as const,
      message: `${explainFailure(failure)} Run \`ops migrate repair\`.`,
    })),
    ...describeUnexplainedInvalidIndexes(state).map((message) => ({
      code: "INVALID_INDEX" as const,
      message,
    })),
  ];
}

async function checkDrift(client: pg.Client, tables: EngineTables, state: DatabaseState) {
  const recorded = state.initialized ? await readRecordedFingerprint(client, tables) : null;
  const liveDescription = await describeSchema(client, { engineSchema: tables.schema });
  const live = fingerprintOf(liveDescription);
  if (!recorded) {
    const warnings = state.history.length
      ? ["No schema fingerprint is recorded yet; the next migrate records one."]
      : [];
    return { problems: [], warnings, live, recorded: null };
  }
  const differences =
    recorded.sha256 === live ? [] : describeDrift(recorded.description, liveDescription);
  if (recorded.sha256 !== live && differences.length === 0) {
    differences.push(`the schema differs from the fingerprint recorded at ${recorded.recordedAt}`);
  }
  const problems = differences.map((message) => ({
    code: "SCHEMA_DRIFT" as const,
    message: `Schema drift: ${message}.`,
  }));
  return { problems, warnings: [], live, recorded: recorded.sha256 };
}
