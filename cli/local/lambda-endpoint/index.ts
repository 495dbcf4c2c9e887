export {
  LambdaApiError,
  MAX_PAYLOAD_BYTES,
} from "./api-errors.ts";
export {
  type DeclaredFunctions,
  type LocalFunction,
  type LocalFunctionSpec,
  localFunctionFromSpec,
  readDeclaredFunctions,
} from "./functions.ts";
export type { InvocationRecord } from "./history.ts";
export { billedDuration, reportLine } from "./invocation-log.ts";
export {
  type LambdaEndpoint,
  type LambdaEndpointOptions,
  LOCAL_ACCOUNT_ID,
  startLambdaEndpoint,
} from "./server.ts";
