import { spawn, spawnSync } from "node:child_process";
import type { CommandLine } from "./time-process.ts";

/**
 * Whether valgrind is installed: instruction counts are measured only then (`BENCH_INSTRUCTIONS=1`).
 *
 * @example
 * if (process.env.BENCH_INSTRUCTIONS && valgrindAvailable()) …
 */
export function valgrindAvailable(): boolean {
  return spawnSync("valgrind", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Instructions a command executes, child processes included (valgrind's cachegrind without cache
 * simulation): unlike wall time, the count does not move with the machine's load, so two tools
 * can be compared on a busy machine. Waiting (for the database, the disk) costs no instructions.
 *
 * @example
 * const millions = (await countInstructions({ command: "node", args: ["-e", "0"] }, cwd)) / 1e6;
 */
export function countInstructions(line: CommandLine, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--trace-children=yes",
      "--cachegrind-out-file=/dev/null",
      line.command,
      ...line.args,
    ];
    const child = spawn("valgrind", args, {
      cwd,
      env: { ...process.env, ...line.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (exitCode) => {
      // One "I refs" line per process valgrind followed (the tool and any child it spawned).
      const counts = [...stderr.matchAll(/I\s+refs:\s+([\d,]+)/g)].map((match) =>
        Number((match[1] as string).replaceAll(",", "")),
      );
      if (exitCode !== 0 || counts.length === 0)
        reject(new Error(`valgrind ${line.command}: exit ${exitCode}, ${stderr.slice(-300)}`));
      else resolve(counts.reduce((sum, count) => sum + count, 0));
    });
  });
}
