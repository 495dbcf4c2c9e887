/**
 * Orders migration versions numerically ("9" before "10"), whatever their length.
 *
 * @example
 * ["10", "9"].sort(compareVersions); // ["9", "10"]
 */
export function compareVersions(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
