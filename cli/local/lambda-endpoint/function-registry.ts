import { functionNotFound } from "./api-errors.ts";
import { type FunctionConfiguration, functionConfiguration } from "./configuration.ts";
import { FunctionHost, type FunctionHostOptions } from "./function-host.ts";
import { isLatest, parseFunctionReference } from "./function-name.ts";
import type { LocalFunction } from "./functions.ts";

/**
 * The functions an endpoint hosts, by name: resolves the names and ARNs callers send, describes
 * the functions, and tracks the Event invocations still running in the background.
 */
export class FunctionRegistry {
  private readonly hosts = new Map<string, FunctionHost>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly lastModified = new Date();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly onLog: (functionName: string, text: string) => void,
  ) {}

  get names(): string[] {
    return [...this.hosts.keys()];
  }

  arnOf(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  add(fn: LocalFunction, options: Omit<FunctionHostOptions, "arn" | "onLog">): void {
    this.hosts.set(
      fn.name,
      new FunctionHost(fn, { ...options, arn: this.arnOf(fn.name), onLog: this.onLog }),
    );
  }

  /**
   * The function a FunctionName (name, `name:qualifier` or ARN) and Qualifier designate; only
   * `$LATEST` exists. Throws ResourceNotFoundException naming the ARN otherwise.
   */
  resolve(raw: string, qualifier: string | null): FunctionHost {
    const reference = parseFunctionReference(raw, qualifier ?? undefined);
    const host = reference && this.hosts.get(reference.name);
    if (!reference || !host || !isLatest(reference)) {
      const suffix = reference?.qualifier ? `:${reference.qualifier}` : "";
      throw functionNotFound(`${this.arnOf(reference?.name ?? raw)}${suffix}`);
    }
    return host;
  }

  configuration(host: FunctionHost): FunctionConfiguration {
    const where = { arn: host.arn, accountId: this.accountId, lastModified: this.lastModified };
    return functionConfiguration(host.fn, where);
  }

  configurations(): FunctionConfiguration[] {
    return [...this.hosts.values()].map((host) => this.configuration(host));
  }

  /** Makes the next `count` synchronous invocations of a function fail with TooManyRequestsException. */
  throttle(functionName: string, count: number): void {
    const host = this.hosts.get(functionName);
    if (!host) {
      throw new Error(
        `Cannot throttle '${functionName}': the endpoint hosts ${this.names.join(", ")}`,
      );
    }
    host.concurrency.throttleNext(count);
  }

  /** Runs an Event invocation after its 202 was sent; a failure of the endpoint itself is logged. */
  runInBackground(work: () => Promise<unknown>): void {
    const running = work()
      .catch((error: unknown) =>
        this.onLog("endpoint", `Event invocation failed: ${String(error)}\n`),
      )
      .finally(() => this.background.delete(running));
    this.background.add(running);
  }

  /** Kills every execution environment, then waits for the background invocations to settle. */
  async stop(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((host) => host.stop()));
    await Promise.allSettled([...this.background]);
  }
}
