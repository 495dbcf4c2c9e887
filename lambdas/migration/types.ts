/** How a migration section runs: inside one transaction, or statement by statement without one. */
export type TransactionMode = "transaction" | "none";

/** Coarse statement class, used for metrics (per-migration duration by type) and `plan`. */
export type StatementKind = "ddl" | "dml" | "index" | "other";

export type RiskCode =
  | "INDEX_WITHOUT_CONCURRENTLY"
  | "NOT_NULL_WITHOUT_DEFAULT"
  | "TABLE_REWRITE"
  | "DROP_COLUMN"
  | "DROP_TABLE"
  | "ACCESS_EXCLUSIVE_LOCK"
  | "IRREVERSIBLE";

export interface MigrationRisk {
  readonly code: RiskCode;
  /** One sentence: what may happen and what to do instead. */
  readonly message: string;
  /** 1-based line in `file` of the statement that carries the risk (absent for IRREVERSIBLE). */
  readonly line?: number;
}

/** One SQL statement of a section, split by the PostgreSQL parser when the manifest is built. */
export interface MigrationStatement {
  readonly sql: string;
  readonly kind: StatementKind;
  /** 1-based line in `MigrationSection.file` where the statement starts. */
  readonly line: number;
}

export interface MigrationSection {
  /** Path of the file that holds this section, relative to the migrations directory. */
  readonly file: string;
  /** The section's SQL exactly as written (without its `-- migrate:` marker line). */
  readonly sql: string;
  readonly transaction: TransactionMode;
  /** Parsed statements in order; empty for an explicit no-op section. */
  readonly statements: readonly MigrationStatement[];
}

export interface Migration {
  /** Digits of the file name prefix, e.g. "20240101120000". Ordered numerically. */
  readonly version: string;
  /** The rest of the file name, e.g. "create_users". */
  readonly name: string;
  /** sha256 (hex) of the up section's SQL with line endings normalised to \n. */
  readonly checksum: string;
  readonly up: MigrationSection;
  /** null when there is no down section: the migration is irreversible. */
  readonly down: MigrationSection | null;
  /** Distinct kinds of the up statements, in first-seen order. */
  readonly kinds: readonly StatementKind[];
  /** Risk warnings of the up section (plus IRREVERSIBLE when down is null). */
  readonly risks: readonly MigrationRisk[];
}

/** What `status` needs of a migration: its identity and checksum, no SQL. */
export interface MigrationSummary {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly up: Pick<MigrationSection, "file">;
}

/** The migrations of a directory without their SQL: enough for `status`, cheap to load. */
export interface MigrationIndex {
  /** Ordered by version, ascending. */
  readonly migrations: readonly MigrationSummary[];
}

/**
 * What the migration engine runs: built from a directory by the CLI on the fly, or at build time
 * into `manifest.json` beside the Lambda bundle (which carries no SQL parser).
 */
export interface MigrationManifest {
  readonly formatVersion: 1;
  /** Ordered by version, ascending. */
  readonly migrations: readonly Migration[];
}
