/** Messages between the endpoint and a function's runtime process (over the Node IPC channel). */

/** Lambda's body for a function error: `{ errorType, errorMessage, trace }`. */
export interface FunctionErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** Endpoint → runtime: run the handler once. */
export interface InvokeMessage {
  readonly type: "invoke";
  readonly requestId: string;
  /** The event, as the JSON text the caller sent. */
  readonly event: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
}

/** Runtime → endpoint. Logs travel on the same channel as results, so they arrive in order. */
export type RuntimeMessage =
  | { readonly type: "ready" }
  | { readonly type: "init-error"; readonly error: FunctionErrorBody }
  | { readonly type: "log"; readonly text: string }
  | {
      readonly type: "result";
      readonly requestId: string;
      /** The handler's result as JSON text. */
      readonly payload: string;
      readonly maxRssKb: number;
    }
  | {
      readonly type: "error";
      readonly requestId: string;
      readonly error: FunctionErrorBody;
      /** The runtime exits after this error (uncaught exception outside the handler's promise). */
      readonly fatal: boolean;
      readonly maxRssKb: number;
    };
