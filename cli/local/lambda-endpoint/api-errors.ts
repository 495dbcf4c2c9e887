/**
 * Errors of the Lambda REST API, sent the way AWS sends them: the status code, the error name in
 * `X-Amzn-ErrorType` (where the SDK's rest-json protocol looks first) and a JSON body with `Type`
 * and `message` (plus `Reason` for throttles), which the SDK copies onto the exception it throws.
 */
export class LambdaApiError extends Error {
  override readonly name = "LambdaApiError";

  constructor(
    /** The AWS error name, e.g. `ResourceNotFoundException`. */
    readonly type: string,
    readonly status: number,
    message: string,
    /** Extra body fields, e.g. `{ Reason: "…" }`. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The JSON body AWS returns for this error. */
  body(): Record<string, string> {
    return { Type: this.status >= 500 ? "Service" : "User", message: this.message, ...this.fields };
  }
}

/** AWS's limit on a synchronous invocation's request and response payloads. */
export const MAX_PAYLOAD_BYTES = 6_291_456;

/**
 * `ResourceNotFoundException` (404) for a function (and qualifier) the endpoint does not host.
 *
 * @example
 * throw functionNotFound("arn:aws:lambda:eu-west-1:123456789012:function:nope");
 */
export function functionNotFound(arn: string): LambdaApiError {
  return new LambdaApiError("ResourceNotFoundException", 404, `Function not found: ${arn}`);
}

/** `RequestEntityTooLargeException` (413) for a payload over `MAX_PAYLOAD_BYTES`. */
export function requestTooLarge(operation: string): LambdaApiError {
  return new LambdaApiError(
    "RequestEntityTooLargeException",
    413,
    `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the ${operation} operation`,
  );
}

/** `TooManyRequestsException` (429): the function is at its concurrency limit (or a test said so). */
export function tooManyRequests(reason: string): LambdaApiError {
  return new LambdaApiError("TooManyRequestsException", 429, "Rate Exceeded.", { Reason: reason });
}

/** `InvalidRequestContentException` (400): the payload is not JSON. */
export function invalidRequestContent(detail: string): LambdaApiError {
  return new LambdaApiError(
    "InvalidRequestContentException",
    400,
    `Could not parse request body into json: ${detail}`,
  );
}

/** `InvalidParameterValueException` (400), naming the parameter and the value received. */
export function invalidParameter(name: string, value: string, accepted: string): LambdaApiError {
  return new LambdaApiError(
    "InvalidParameterValueException",
    400,
    `${name} must be ${accepted}, got '${value.slice(0, 100)}'`,
  );
}
