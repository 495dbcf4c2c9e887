import { createHash } from "node:crypto";

/**
 * The checksum recorded for an applied migration: sha256 (hex) of its up section with CRLF line
 * endings normalised to LF, so a checkout with other line endings does not look edited.
 *
 * @example
 * migrationChecksum("CREATE TABLE t ();\r\n") === migrationChecksum("CREATE TABLE t ();\n"); // true
 */
export function migrationChecksum(upSql: string): string {
  return createHash("sha256").update(upSql.replaceAll("\r\n", "\n")).digest("hex");
}
