/** How much an environment's findings matter: production > staging > dev. */
export const ENVIRONMENT_WEIGHTS: Readonly<Record<string, number>> = {
  production: 1,
  prod: 1,
  staging: 0.6,
  stage: 0.6,
  dev: 0.3,
  development: 0.3,
  local: 0.2,
};

/** Weight of an environment not in the table (`unknown`, custom names). */
export const DEFAULT_ENVIRONMENT_WEIGHT = 0.5;

/**
 * Severity in [0, 1]: anomaly strength, scaled by the environment's weight and by how often the
 * pattern recurred (distinct days). A strong production pattern seen on many days scores near 1;
 * the same in dev scores about half of it.
 *
 * @example
 * severityOf({ strength: 0.8, environment: "production", recurrenceDays: 5 }); // ≈ 0.77
 */
export function severityOf(input: {
  strength: number;
  environment: string;
  recurrenceDays: number;
}): number {
  const weight = ENVIRONMENT_WEIGHTS[input.environment] ?? DEFAULT_ENVIRONMENT_WEIGHT;
  const recurrence = 1 - Math.exp(-Math.max(1, input.recurrenceDays) / 3);
  const strength = Math.min(1, Math.max(0, input.strength));
  const severity = strength * (0.4 + 0.6 * weight) * (0.6 + 0.4 * recurrence);
  return Math.round(severity * 1000) / 1000;
}
