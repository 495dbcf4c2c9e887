import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { OpsLogger, OpsMetrics, MetricUnit as OpsMetricUnit } from "./context.ts";
import { redactingReplacer } from "./redact.ts";

export const METRICS_NAMESPACE = "OpsLambdas";

/** Structured JSON logger (Powertools) whose every field passes through secret redaction. */
export function createLogger(functionName: string): Logger {
  return new Logger({ serviceName: functionName, jsonReplacerFn: redactingReplacer });
}

/** EMF metrics (Powertools) in the `OpsLambdas` namespace. */
export function createMetrics(functionName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: functionName });
}

/** Adapts a Powertools logger to the small interface operations use. */
export function toOpsLogger(logger: Logger): OpsLogger {
  return {
    debug: (message, attributes) => logger.debug(message, attributes ?? {}),
    info: (message, attributes) => logger.info(message, attributes ?? {}),
    warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    error: (message, attributes) => logger.error(message, attributes ?? {}),
  };
}

const UNITS: Record<OpsMetricUnit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Megabytes: MetricUnit.Megabytes,
};

/**
 * Adapts Powertools metrics to the interface operations use. The invocation's dimensions
 * (function, operation, environment) are set as default dimensions by the handler.
 */
export function toOpsMetrics(metrics: Metrics): OpsMetrics {
  return {
    add: (name, unit, value) => metrics.addMetric(name, UNITS[unit], value),
    addWithDimensions: (name, unit, value, dimensions) => {
      const single = metrics.singleMetric();
      single.addDimensions(dimensions);
      single.addMetric(name, UNITS[unit], value);
    },
  };
}
