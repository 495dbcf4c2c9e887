import { readFile } from "node:fs/promises";
import type { FunctionLimits } from "./types.ts";

/**
 * Reads each function's `timeout` (seconds) and `memory_size` (MB) from
 * `infra/functions.auto.tfvars.json`, keyed by the bare function key. A missing file gives `{}`.
 *
 * @example
 * const limits = await readFunctionLimits("infra/functions.auto.tfvars.json");
 * limits.migration?.timeoutSeconds; // 900
 */
export async function readFunctionLimits(file: string): Promise<Record<string, FunctionLimits>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {};
  }
  const parsed = JSON.parse(text) as { functions?: Record<string, Record<string, unknown>> };
  const limits: Record<string, FunctionLimits> = {};
  for (const [key, config] of Object.entries(parsed.functions ?? {})) {
    const timeout = config.timeout;
    const memory = config.memory_size;
    limits[key] = {
      ...(typeof timeout === "number" ? { timeoutSeconds: timeout } : {}),
      ...(typeof memory === "number" ? { memorySizeMb: memory } : {}),
    };
  }
  return limits;
}
