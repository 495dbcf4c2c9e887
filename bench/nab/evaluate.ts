/**
 * Quick NAB evaluation for tuning: scores the shared NAB subset with the ensemble (optionally
 * with experimental options as JSON in ENSEMBLE_OPTIONS), then prints the NAB score with the
 * threshold optimised and fixed at 0.5, on all files and on two fixed halves (alternate files in
 * sorted order), so a change can be checked to help both halves. `--per-file` adds each file.
 *
 * Run: `npx tsx bench/nab/evaluate.ts [--per-file]`
 */
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createEnsemble } from "../../analytics/createDetector.ts";
import { DEFAULT_FLAG_THRESHOLD, scoreSeries } from "../../analytics/scoreSeries.ts";

const DETECTOR_FOLDER = "opsEnsemble";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const nabDir = path.resolve(process.env.NAB_DIR ?? path.join(repoRoot, "../shared/nab"));
const scorer = path.resolve(process.env.NAB_SCORE ?? path.join(nabDir, "../tools/nab-score.mjs"));
const options = JSON.parse(process.env.ENSEMBLE_OPTIONS ?? "{}");
const perFile = process.argv.includes("--per-file");

async function main(): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), "ops-nab-eval-"));
  try {
    const resultsDir = path.join(workDir, DETECTOR_FOLDER);
    const files = await scoreCorpus(resultsDir);
    const halves = [
      files.filter((_, index) => index % 2 === 0),
      files.filter((_, index) => index % 2 === 1),
    ];
    const halfFiles = await Promise.all(
      halves.map(async (half, index) => {
        const list = path.join(workDir, `half-${index}.txt`);
        await writeFile(list, `${half.join("\n")}\n`);
        return list;
      }),
    );
    const summary = (extra: string[]) => {
      const all = score(resultsDir, extra);
      const [a, b] = halfFiles.map((list) => score(resultsDir, [...extra, "--files", list]));
      return `${all.normalized.toFixed(2)} (halves ${a?.normalized.toFixed(2)} / ${b?.normalized.toFixed(2)}; windows ${all.windows}, FP rows ${all.falsePositives}, threshold ${all.threshold})`;
    };
    console.log(`options ${JSON.stringify(options)}`);
    console.log(`optimised: ${summary([])}`);
    console.log(
      `fixed ${DEFAULT_FLAG_THRESHOLD}: ${summary(["--threshold", String(DEFAULT_FLAG_THRESHOLD)])}`,
    );
    if (perFile) console.log(score(resultsDir, ["--per-file"]).text);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function scoreCorpus(resultsDir: string): Promise<string[]> {
  const dataDir = path.join(nabDir, "data");
  const files: string[] = [];
  for (const category of (await readdir(dataDir)).sort()) {
    await mkdir(path.join(resultsDir, category), { recursive: true });
    for (const file of (await readdir(path.join(dataDir, category))).sort()) {
      if (!file.endsWith(".csv")) continue;
      const output = createWriteStream(
        path.join(resultsDir, category, `${DETECTOR_FOLDER}_${file}`),
      );
      await scoreSeries(createReadStream(path.join(dataDir, category, file)), output, {
        createDetector: () => createEnsemble(options),
      });
      output.end();
      await finished(output);
      files.push(`${category}/${file}`);
    }
  }
  return files;
}

function score(resultsDir: string, extra: string[]) {
  const text = execFileSync(
    process.execPath,
    [scorer, "--results", resultsDir, "--data", nabDir, ...extra],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const row = text.split("\n").find((line) => line.startsWith(DETECTOR_FOLDER)) ?? "";
  const [, normalized, , threshold, windows, falsePositives] = row.trim().split(/\s+/);
  return { text, normalized: Number(normalized), threshold, windows, falsePositives };
}

await main();
