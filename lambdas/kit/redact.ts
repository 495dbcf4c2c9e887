/**
 * Secret redaction for everything that leaves a process: log lines, results, error messages.
 * Three nets: values registered as secrets, credentials inside URLs, and fields whose name says
 * they hold a secret.
 */
const REDACTED = "[REDACTED]";
const registered = new Set<string>();

const SECRET_KEY =
  /pass(word)?|secret|token|credential|authorization|api[-_]?key|private[-_]?key|^sig$|signing[-_]?key/i;
// scheme://user:password@host — keep the user, hide the password.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
// key=value pairs in libpq connection strings and query strings.
const PASSWORD_PAIR = /\b(password|passwd|pwd|sslpassword)\s*=\s*('[^']*'|"[^"]*"|[^\s&;]+)/gi;

/**
 * Registers a secret value: from now on it is replaced by `[REDACTED]` wherever it appears.
 *
 * @example
 * registerSecret(process.env.OPS_SIGNING_KEY ?? "");
 */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) registered.add(value);
}

/** Replaces secrets inside a string. */
export function redactText(text: string): string {
  let out = text;
  // Cheap guards first: results carry thousands of short strings, and most hold no credential.
  if (out.includes("@")) out = out.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
  if (out.includes("=")) out = out.replace(PASSWORD_PAIR, `$1=${REDACTED}`);
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * The value with secrets removed: secret-named fields blanked, strings redacted. Objects and arrays
 * are copied where something inside changed and shared where nothing did (a status of 500
 * migrations has nothing to redact, and copying it cost more than checking it).
 *
 * @example
 * redactValue({ url: "postgres://app:hunter2@db/app", password: "x" });
 * // → { url: "postgres://app:[REDACTED]@db/app", password: "[REDACTED]" }
 */
export function redactValue<T>(value: T): T {
  return redactInner(value, new Set()) as T;
}

/** A JSON.stringify replacer doing the same per field (for loggers). */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== "" && value !== null && typeof value !== "object" && isSecretKey(key)) {
    return REDACTED;
  }
  return typeof value === "string" ? redactText(value) : value;
}

/**
 * Whether a field name says it holds a secret. Results repeat a few names thousands of times, so
 * verdicts are remembered — up to a bound, as a warm container may see arbitrary keys in params.
 */
const secretKeyVerdicts = new Map<string, boolean>();
const REMEMBERED_KEYS = 1000;
function isSecretKey(key: string): boolean {
  let verdict = secretKeyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = SECRET_KEY.test(key);
    if (secretKeyVerdicts.size < REMEMBERED_KEYS) secretKeyVerdicts.set(key, verdict);
  }
  return verdict;
}

function redactInner(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const redacted = redactInner(item, seen);
      if (copy === undefined && redacted !== item) copy = value.slice(0, index);
      copy?.push(redacted);
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  keys.forEach((key, index) => {
    const item = record[key];
    const redacted =
      item !== null && typeof item !== "object" && isSecretKey(key)
        ? REDACTED
        : redactInner(item, seen);
    if (copy === undefined && redacted !== item) {
      copy = {};
      for (const earlier of keys.slice(0, index)) copy[earlier] = record[earlier];
    }
    if (copy !== undefined) copy[key] = redacted;
  });
  return copy ?? value;
}
