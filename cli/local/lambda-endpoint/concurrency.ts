import { tooManyRequests } from "./api-errors.ts";

/** A slot taken from a function's concurrency, with the warm environment it got, if any. */
export interface Slot<E> {
  /** A warm environment, or undefined: the caller starts one (a cold start). */
  readonly warm: E | undefined;
}

/**
 * A function's concurrency, like Lambda's: each running invocation holds one execution
 * environment; an idle one is reused (warm start), otherwise a new one is started, up to the
 * function's limit (reserved concurrency, or the endpoint's unreserved limit). Over the limit a
 * synchronous invocation is throttled (429) and an asynchronous one waits, as Lambda's event queue
 * would. Tests can throttle the next N synchronous invocations.
 */
export class FunctionConcurrency<E extends { readonly alive: boolean }> {
  private readonly idle: E[] = [];
  private running = 0;
  private injectedThrottles = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly limit: number,
    /** TooManyRequestsException's Reason when the limit is hit. */
    private readonly reason: string,
  ) {}

  /** Makes the next `count` synchronous invocations fail with TooManyRequestsException. */
  throttleNext(count: number): void {
    this.injectedThrottles += count;
  }

  /**
   * Takes a slot: throws TooManyRequestsException at the limit unless `wait`, then waits for one.
   *
   * @example
   * const slot = await concurrency.acquire({ wait: false });
   */
  async acquire(options: { wait: boolean }): Promise<Slot<E>> {
    if (!options.wait && this.injectedThrottles > 0) {
      this.injectedThrottles -= 1;
      throw tooManyRequests(this.reason);
    }
    while (this.running >= this.limit && !this.closed) {
      if (!options.wait) throw tooManyRequests(this.reason);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.closed) throw new Error("The local Lambda endpoint is stopping");
    this.running += 1;
    let warm = this.idle.pop();
    while (warm && !warm.alive) warm = this.idle.pop();
    return { warm };
  }

  /** Gives the slot back, keeping the environment warm when it is still usable. */
  release(environment: E | undefined): void {
    this.running -= 1;
    if (environment?.alive) this.idle.push(environment);
    this.waiting.shift()?.();
  }

  /** Refuses new slots, wakes whoever waits for one, and hands back the idle environments. */
  close(): E[] {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    return this.idle.splice(0);
  }
}
