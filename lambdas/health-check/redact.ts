/**
 * A URL safe to show in messages and logs: credentials removed, query values hidden.
 *
 * @example
 * displayUrl(new URL("https://u:secret@api.example.com/health?token=x")); // "https://api.example.com/health?token=…"
 */
export function displayUrl(url: URL): string {
  const query = [...url.searchParams.keys()].map((key) => `${key}=…`).join("&");
  return `${url.protocol}//${url.host}${url.pathname}${query ? `?${query}` : ""}`;
}

/**
 * A received value quoted for an error message, with any `user:password@` part masked.
 *
 * @example
 * describeReceived("ftp://u:pw@host/x"); // "'ftp://***@host/x'"
 */
export function describeReceived(value: unknown): string {
  if (value === undefined) return "nothing";
  const raw = typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  const masked = raw.replace(/\/\/[^/@\s"']*@/g, "//***@");
  return masked.length > 120 ? `${masked.slice(0, 117)}...` : masked;
}

/**
 * A text with every occurrence of `secret` (as given and percent-decoded) replaced by `***`.
 *
 * @example
 * redactSecret("auth failed for u:pa%24s", "pa%24s"); // "auth failed for u:***"
 */
export function redactSecret(text: string, secret: unknown): string {
  if (typeof secret !== "string" || secret === "") return text;
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // Not percent-encoded: the secret as given is all there is to hide.
  }
  return [secret, decoded].reduce((result, s) => result.split(s).join("***"), text);
}
