import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** One generated migration: the same SQL is written in every tool's file format. */
export interface GeneratedMigration {
  readonly version: string;
  readonly name: string;
  readonly up: string;
  readonly down: string;
}

/** What the database holds once every generated migration is applied (checked after each run). */
export interface ExpectedSchema {
  readonly migrations: number;
  readonly tables: number;
  readonly indexes: number;
  /** The table written by the last migration, which holds exactly one row. */
  readonly lastTable: string;
}

/** Every generated table and index name starts with this, so tools' own tables are never counted. */
export const BENCH_OBJECT_PREFIX = "bench_item_";

/**
 * A realistic mix of small migrations, four per table: create it, add a column with a default,
 * index a column, insert a seed row. `count` must be a multiple of 4.
 *
 * @example
 * generateMigrations(8).map((m) => m.name); // ["create_bench_item_1", "add_status_to_bench_item_1", …]
 */
export function generateMigrations(count: number): GeneratedMigration[] {
  if (count % 4 !== 0) throw new Error(`migration count must be a multiple of 4, got ${count}`);
  const migrations: GeneratedMigration[] = [];
  for (let table = 1; table <= count / 4; table += 1) {
    const name = `${BENCH_OBJECT_PREFIX}${table}`;
    const steps: Array<Omit<GeneratedMigration, "version">> = [
      {
        name: `create_${name}`,
        up: `CREATE TABLE ${name} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
        down: `DROP TABLE ${name};`,
      },
      {
        name: `add_status_to_${name}`,
        up: `ALTER TABLE ${name} ADD COLUMN status text NOT NULL DEFAULT 'active';`,
        down: `ALTER TABLE ${name} DROP COLUMN status;`,
      },
      {
        name: `index_${name}_name`,
        up: `CREATE INDEX ${name}_name_idx ON ${name} (name);`,
        down: `DROP INDEX ${name}_name_idx;`,
      },
      {
        name: `seed_${name}`,
        up: `INSERT INTO ${name} (name) VALUES ('seed ${table}');`,
        down: `DELETE FROM ${name} WHERE name = 'seed ${table}';`,
      },
    ];
    for (const step of steps) {
      const sequence = String(migrations.length + 1).padStart(6, "0");
      migrations.push({ version: `20240101${sequence}`, ...step });
    }
  }
  return migrations;
}

/** The schema that `generateMigrations(count)` produces. */
export function expectedSchema(count: number): ExpectedSchema {
  return {
    migrations: count,
    tables: count / 4,
    indexes: count / 4,
    lastTable: `${BENCH_OBJECT_PREFIX}${count / 4}`,
  };
}

/** dbmate's single-file format, which `ops` reads as is: `-- migrate:up` / `-- migrate:down`. */
export function toDbmateFile(migration: GeneratedMigration): string {
  return `-- migrate:up\n${migration.up}\n\n-- migrate:down\n${migration.down}\n`;
}

/** node-pg-migrate's SQL migration format: `-- Up Migration` / `-- Down Migration`. */
export function toNodePgMigrateFile(migration: GeneratedMigration): string {
  return `-- Up Migration\n${migration.up}\n\n-- Down Migration\n${migration.down}\n`;
}

/** Writes `VERSION_NAME.sql` files rendered by `render` into `dir`. */
export async function writeMigrations(
  dir: string,
  migrations: readonly GeneratedMigration[],
  render: (migration: GeneratedMigration) => string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    migrations.map((migration) =>
      writeFile(path.join(dir, `${migration.version}_${migration.name}.sql`), render(migration)),
    ),
  );
}
