import { gammaln, linearRegression, wilcoxonRankSum } from "simple-statistics";

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed in log space so tiny tails stay exact.
 *
 * @example
 * binomialUpperTail(3, 10, 0.1); // ≈ 0.0702
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const logCoefficient = (i: number) => gammaln(n + 1) - gammaln(i + 1) - gammaln(n - i + 1);
  let total = 0;
  let largest = Number.NEGATIVE_INFINITY;
  const terms: number[] = [];
  for (let i = k; i <= n; i += 1) {
    const term = logCoefficient(i) + i * logP + (n - i) * logQ;
    terms.push(term);
    largest = Math.max(largest, term);
    if (term < largest - 40) break; // past the mode, the rest cannot matter
  }
  for (const term of terms) total += Math.exp(term - largest);
  return Math.min(1, Math.exp(largest) * total);
}

/**
 * P(Z ≥ z) for a standard normal Z, accurate in the far tail (complementary error function,
 * Chebyshev fit with fractional error below 1.2e-7).
 *
 * @example
 * normalUpperTail(1.96); // ≈ 0.025
 */
export function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const polynomial =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(polynomial);
  return 0.5 * (x >= 0 ? erfc : 2 - erfc);
}

/**
 * P(χ² ≥ x) with `degrees` degrees of freedom (regularised upper incomplete gamma).
 *
 * @example
 * chiSquaredUpperTail(3.84, 1); // ≈ 0.05
 */
export function chiSquaredUpperTail(x: number, degrees: number): number {
  if (x <= 0) return 1;
  const a = degrees / 2;
  const half = x / 2;
  const logPrefix = -half + a * Math.log(half) - gammaln(a);
  if (half < a + 1) {
    // Series for the lower part.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-15; n += 1) {
      term *= half / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Continued fraction (modified Lentz) for the upper part.
  const tiny = 1e-300;
  let b = half + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logPrefix) * h);
}

/**
 * Wald–Wolfowitz runs test, one-sided for *too many* runs (outcomes alternating more than chance
 * allows). Conditional on the counts, so it holds whatever the failure rate is.
 *
 * @example
 * tooManyRunsPValue([true, false, true, false, true, false, true, false, true, false]);
 */
export function tooManyRunsPValue(outcomes: readonly boolean[]): {
  runs: number;
  expected: number;
  pValue: number;
} {
  const n = outcomes.length;
  const positives = outcomes.filter(Boolean).length;
  const negatives = n - positives;
  let runs = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i += 1) if (outcomes[i] !== outcomes[i - 1]) runs += 1;
  if (positives === 0 || negatives === 0) return { runs, expected: runs, pValue: 1 };
  const product = 2 * positives * negatives;
  const expected = 1 + product / n;
  const variance = (product * (product - n)) / (n * n * (n - 1));
  // Continuity correction: runs are integers.
  const z = (runs - 0.5 - expected) / Math.sqrt(variance);
  return { runs, expected, pValue: normalUpperTail(z) };
}

/**
 * One-sided Mann–Whitney test that `after` tends to be larger than `before` (normal
 * approximation, via simple-statistics' rank sum).
 *
 * @example
 * rankSumGreaterPValue([1, 2, 3], [4, 5, 6]);
 */
export function rankSumGreaterPValue(before: readonly number[], after: readonly number[]): number {
  const n1 = after.length;
  const n2 = before.length;
  if (n1 === 0 || n2 === 0) return 1;
  const rankSum = wilcoxonRankSum([...after], [...before]);
  const mean = (n1 * (n1 + n2 + 1)) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return normalUpperTail((rankSum - 0.5 - mean) / sd);
}

/** A least-squares line with the standard error of its slope. */
export interface FittedLine {
  readonly slope: number;
  readonly intercept: number;
  readonly slopeStandardError: number;
  readonly residuals: readonly number[];
}

/**
 * Ordinary least squares through simple-statistics, plus the slope's standard error, for a
 * t-test of a trend.
 *
 * @example
 * fitLine([[0, 1], [1, 2], [2, 3.1]]).slope; // ≈ 1.05
 */
export function fitLine(points: readonly (readonly [number, number])[]): FittedLine {
  const { m: slope, b: intercept } = linearRegression(points.map(([x, y]) => [x, y]));
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  let sxx = 0;
  let sse = 0;
  const residuals = points.map(([x, y]) => {
    sxx += (x - meanX) ** 2;
    const residual = y - (intercept + slope * x);
    sse += residual ** 2;
    return residual;
  });
  const slopeStandardError =
    points.length > 2 && sxx > 0 ? Math.sqrt(sse / (points.length - 2) / sxx) : Infinity;
  return { slope, intercept, slopeStandardError, residuals };
}

/** A p-value's strength in [0, 1]: 0 at the alarm threshold, 1 twelve decades beyond. */
export function confidenceOf(pValue: number, threshold: number): number {
  const decades = Math.log10(threshold / Math.max(pValue, 1e-300));
  return Math.min(1, Math.max(0, decades / 12));
}
