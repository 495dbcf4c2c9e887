/**
 * Step outputs that stay within GitHub's limits. A job's outputs are capped at 1 MiB in total, so
 * a large result is cut down to a smaller JSON document that is still valid and says so, instead
 * of being cut mid-string.
 */

/** The most a JSON output may take (leaves room for the job's other outputs under 1 MiB). */
export const MAX_JSON_OUTPUT_BYTES = 512 * 1024;

/** The most a text output (e.g. a log tail) may take. */
export const MAX_TEXT_OUTPUT_BYTES = 64 * 1024;

/**
 * JSON text of `value`, at most `maxBytes` long. When the full text is larger, the value is
 * reduced — `data` dropped, then everything but the fields that say what happened — and marked
 * `"truncated": true` with its original size, so consumers can still parse it.
 *
 * @example
 * const text = jsonOutput(result); // JSON.parse(text).truncated === true when it was cut
 */
export function jsonOutput(value: unknown, maxBytes = MAX_JSON_OUTPUT_BYTES): string {
  const full = JSON.stringify(value ?? null);
  const size = Buffer.byteLength(full);
  if (size <= maxBytes) return full;
  for (const reduced of reductions(value, size)) {
    const text = JSON.stringify(reduced);
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }
  return JSON.stringify({ truncated: true, originalBytes: size });
}

function reductions(value: unknown, originalBytes: number): Record<string, unknown>[] {
  const marker = { truncated: true, originalBytes };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ ...marker, preview: full(value).slice(0, 4096) }];
  }
  const record = value as Record<string, unknown>;
  const { data: _data, ...withoutData } = record;
  const essentials = pick(record, ["ok", "function", "operation", "requestId", "summary"]);
  const error = record.error as Record<string, unknown> | undefined;
  return [
    { ...withoutData, ...marker },
    {
      ...essentials,
      ...(error ? { error: pick(error, ["code", "message", "hint"]) } : {}),
      ...marker,
    },
    { ...essentials, ...marker },
  ];
}

function full(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}

/**
 * Text cut to at most `maxBytes` of UTF-8, keeping the end (the newest lines of a log) and never
 * splitting a character; a cut text starts with a note.
 *
 * @example
 * tailOf(logTail, 64 * 1024);
 */
export function tailOf(text: string, maxBytes = MAX_TEXT_OUTPUT_BYTES): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  const note = `[… ${bytes.length - maxBytes} bytes cut]\n`;
  let start = bytes.length - maxBytes + Buffer.byteLength(note);
  // Skip UTF-8 continuation bytes so the cut falls between characters.
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start += 1;
  return note + bytes.subarray(start).toString("utf8");
}
