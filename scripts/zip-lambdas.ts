/**
 * Deployment zips for the ops Lambdas: build/lambdas/<name>/ (index.mjs, ncc chunks and assets, the
 * migration function's manifest.json) becomes build/lambdas/<name>.zip, the file Terraform deploys
 * (infra/lambdas.tf). Called at the end of `npm run build:lambdas`.
 *
 * The zips are reproducible: files in sorted order, one fixed modification time, no extra
 * attributes. Terraform compares `source_code_hash`, so an unchanged bundle deploys nothing.
 */
import { execFile } from "node:child_process";
import { readdir, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Every file gets this modification time (the earliest a zip can store: 1980-01-01). */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

export interface LambdaZip {
  readonly name: string;
  /** Absolute path of the zip. */
  readonly file: string;
  readonly bytes: number;
  /** Paths inside the zip, sorted. */
  readonly entries: readonly string[];
}

/** Thrown when the `zip` command is not installed. */
export class ZipUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(
      "The `zip` command is not installed; it packages build/lambdas/<name>/ for Terraform. Install it (apt-get install zip, brew install zip) and run `npm run build:lambdas` again.",
      options,
    );
    this.name = "ZipUnavailableError";
  }
}

/**
 * Zips one bundle folder `<outDir>/<name>/` into `<outDir>/<name>.zip` with its files at the root.
 *
 * @example
 * const zip = await zipLambda("build/lambdas", "migration");
 * zip.entries; // ["index.mjs", "manifest.json", "package.json"]
 */
export async function zipLambda(outDir: string, name: string): Promise<LambdaZip> {
  const dir = path.resolve(outDir, name);
  const file = path.resolve(outDir, `${name}.zip`);
  const entries = await listFiles(dir);
  if (entries.length === 0) throw new Error(`${dir} holds no files: run the bundler first.`);
  await Promise.all(
    entries.map((entry) => utimes(path.join(dir, entry), FIXED_MTIME, FIXED_MTIME)),
  );
  await rm(file, { force: true });
  try {
    // -X: no extra attributes (uid/gid, extended timestamps); -D: no directory entries.
    await run("zip", ["-X", "-D", "-q", file, ...entries], { cwd: dir });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new ZipUnavailableError({ cause: error });
    throw error;
  }
  return { name, file, bytes: (await stat(file)).size, entries };
}

/**
 * Zips every named bundle under `outDir` and prints one line per zip.
 *
 * @example
 * await zipLambdas("build/lambdas", ["health-check", "migration"]);
 */
export async function zipLambdas(
  outDir: string,
  names: readonly string[],
  log: (line: string) => void = console.log,
): Promise<LambdaZip[]> {
  const zips: LambdaZip[] = [];
  for (const name of names) {
    const zip = await zipLambda(outDir, name);
    log(
      `${path.relative(process.cwd(), zip.file)}  ${(zip.bytes / 1024).toFixed(0)} KiB  (${zip.entries.join(", ")})`,
    );
    zips.push(zip);
  }
  return zips;
}

/** Files under `dir`, relative and sorted, with `/` separators. */
async function listFiles(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"),
    )
    .sort();
}
