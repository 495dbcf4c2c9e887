import { vi } from "vitest";

/**
 * Captures everything written to stdout and stderr while `fn` runs (Powertools writes its JSON
 * logs and EMF metrics there), and returns it with fn's result.
 */
export async function captureOutput<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; lines: string[] }> {
  const chunks: string[] = [];
  const collect = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(collect);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(collect);
  try {
    const result = await fn();
    return { result, lines: chunks.join("").split("\n").filter(Boolean) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The JSON lines of captured output, parsed. */
export function jsonLines(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}
