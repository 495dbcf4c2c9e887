/** What the REPORT line says about one invocation. */
export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on cold starts. */
  readonly initDurationMs?: number | undefined;
  /** `timeout` or `error` when the runtime did not complete the invocation. */
  readonly status?: "timeout" | "error" | undefined;
  readonly errorType?: string | undefined;
}

/** Bytes of log AWS returns in X-Amz-Log-Result. */
export const LOG_TAIL_BYTES = 4096;

/**
 * Billed duration, rounded up to the millisecond. Since August 2025 Lambda bills the INIT phase of
 * on-demand functions too, so a cold start's billed duration includes its init duration.
 *
 * @example
 * billedDuration(12.3, 150.2); // 163
 */
export function billedDuration(durationMs: number, initDurationMs: number | undefined): number {
  return Math.ceil(durationMs + (initDurationMs ?? 0));
}

/**
 * Lambda's REPORT line (tab-separated fields, as in CloudWatch).
 *
 * @example
 * reportLine({ requestId: "r", durationMs: 12.34, billedDurationMs: 13, memorySizeMb: 256, maxMemoryUsedMb: 80 });
 * // "REPORT RequestId: r\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\t"
 */
export function reportLine(report: InvocationReport): string {
  const fields = [
    `REPORT RequestId: ${report.requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${report.billedDurationMs} ms`,
    `Memory Size: ${report.memorySizeMb} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMb} MB`,
  ];
  if (report.initDurationMs !== undefined)
    fields.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  if (report.status) fields.push(`Status: ${report.status}`);
  if (report.errorType) fields.push(`Error Type: ${report.errorType}`);
  return `${fields.join("\t")}\t`;
}

/**
 * One invocation's log: START, what the function wrote, END and REPORT. Keeps the last
 * `keepBytes` (enough for the tail) and passes every piece on to `forward` as it comes.
 */
export class InvocationLog {
  private text = "";

  constructor(
    private readonly forward: (text: string) => void = () => {},
    private readonly keepBytes = 256 * 1024,
  ) {}

  /** Appends function output as is. */
  readonly write = (text: string): void => {
    if (text === "") return;
    this.text += text;
    if (this.text.length > this.keepBytes * 2) this.text = this.text.slice(-this.keepBytes);
    this.forward(text);
  };

  /** Appends a platform line (START, END, REPORT…), starting it on a line of its own. */
  line(text: string): void {
    this.write(`${this.text === "" || this.text.endsWith("\n") ? "" : "\n"}${text}\n`);
  }

  /** Base64 of the last 4 KB, as `X-Amz-Log-Result`. */
  tailBase64(): string {
    const bytes = Buffer.from(this.text);
    return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString("base64");
  }
}
