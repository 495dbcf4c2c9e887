export { checkDatabase } from "./checks/database.ts";
export { gradeDatabase } from "./checks/database-grade.ts";
export type { DatabaseSample } from "./checks/database-sample.ts";
export { checkEndpoint, gradeResponse } from "./checks/http.ts";
export { requestOnce } from "./checks/http-request.ts";
export { runHealthCheck } from "./health.ts";
export { ENDPOINT_DEFAULTS, parseHealthCheckParams } from "./params.ts";
export { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds.ts";
export type * from "./types.ts";
