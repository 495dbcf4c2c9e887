import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/** A built Lambda bundle: build/lambdas/<name>/index.mjs and the chunks it loads on demand. */
export interface LambdaBundle {
  readonly name: string;
  readonly entry: string;
  readonly entryBytes: number;
  /** index.mjs plus every chunk (`*.js`, `*.mjs`, `*.cjs`) beside it. */
  readonly codeBytes: number;
  readonly chunkFiles: number;
  /** build/lambdas/<name>.zip, the deployment package, when the build writes one. */
  readonly zipBytes?: number;
}

/** What `npm run build:lambdas` produced, and which handlers it did not (re)build. */
export interface BuildResult {
  readonly bundles: LambdaBundle[];
  /** Handlers with no bundle from this build, with the reason. */
  readonly missing: { readonly name: string; readonly reason: string }[];
}

const CODE_FILE = /\.(m|c)?js$/;

/**
 * Runs `npm run build:lambdas` and returns the bundles written by that build. A bundle older than
 * the build (left by an earlier one) is reported missing rather than measured.
 *
 * @example
 * const { bundles, missing } = await buildLambdaBundles(repoRoot);
 */
export async function buildLambdaBundles(repoRoot: string): Promise<BuildResult> {
  const started = Date.now();
  const build = await runBuild(repoRoot);
  const expected = await handlerNames(repoRoot);
  const bundles: LambdaBundle[] = [];
  const missing: BuildResult["missing"] = [];
  for (const name of expected) {
    const dir = path.join(repoRoot, "build/lambdas", name);
    const entry = path.join(dir, "index.mjs");
    // ctime, not mtime: the build pins mtimes (1980) so its zips are reproducible.
    if (!existsSync(entry) || (await stat(entry)).ctimeMs < started - 1000) {
      missing.push({ name, reason: `not built (build exit ${build.exitCode}: ${build.tail})` });
      continue;
    }
    bundles.push(await measureBundle(name, dir));
  }
  return { bundles, missing };
}

/** The bundles already under build/lambdas, whatever their age (for `BENCH_SKIP_BUILD=1`). */
export async function existingLambdaBundles(repoRoot: string): Promise<BuildResult> {
  const root = path.join(repoRoot, "build/lambdas");
  const names = existsSync(root) ? (await readdir(root)).sort() : [];
  const built = names.filter((name) => existsSync(path.join(root, name, "index.mjs")));
  const bundles = await Promise.all(
    built.map((name) => measureBundle(name, path.join(root, name))),
  );
  return { bundles, missing: [] };
}

async function measureBundle(name: string, dir: string): Promise<LambdaBundle> {
  const entry = path.join(dir, "index.mjs");
  const codeFiles = (await readdir(dir)).filter((file) => CODE_FILE.test(file));
  const sizes = await Promise.all(
    codeFiles.map(async (file) => (await stat(path.join(dir, file))).size),
  );
  const zip = `${dir}.zip`;
  return {
    name,
    entry,
    entryBytes: (await stat(entry)).size,
    codeBytes: sizes.reduce((sum, size) => sum + size, 0),
    chunkFiles: codeFiles.length - 1,
    ...(existsSync(zip) ? { zipBytes: (await stat(zip)).size } : {}),
  };
}

/** The folders under lambdas/ with a handler.ts, as scripts/build-lambdas.ts selects them. */
async function handlerNames(repoRoot: string): Promise<string[]> {
  const dirs = await readdir(path.join(repoRoot, "lambdas"), { withFileTypes: true });
  return dirs
    .filter(
      (dir) =>
        dir.isDirectory() && existsSync(path.join(repoRoot, "lambdas", dir.name, "handler.ts")),
    )
    .map((dir) => dir.name)
    .sort();
}

function runBuild(repoRoot: string): Promise<{ exitCode: number | null; tail: string }> {
  return new Promise((resolve, reject) => {
    const output: Buffer[] = [];
    const child = spawn("npm", ["run", "--silent", "build:lambdas"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => {
      output.push(chunk);
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => {
      const lines = Buffer.concat(output).toString("utf8").trim().split("\n");
      resolve({ exitCode, tail: lines.slice(-2).join(" | ").slice(0, 300) });
    });
  });
}
