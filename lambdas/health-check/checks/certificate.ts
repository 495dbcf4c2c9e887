import { type Graded, gradeBelow, NOTHING_FOUND } from "../grade.ts";
import type { Thresholds } from "../thresholds.ts";
import type { HttpResponseSample } from "../types.ts";

const DAY_MS = 86_400_000;

/** A response and when it arrived, as the endpoint checks grade it. */
export interface TimedResponse {
  readonly response: HttpResponseSample;
  readonly latencyMs: number;
  /** Wall clock (epoch ms) at which the response arrived; certificate expiry is counted from it. */
  readonly at: number;
}

/**
 * Grades the days left on an https endpoint's certificate, counted from when the response arrived.
 *
 * @example
 * certificateFindings("api.example.com", { response, latencyMs: 40, at: Date.now() }, DEFAULT_THRESHOLDS);
 * // → { findings: [{ status: "warn", text: "TLS certificate for api.example.com expires in 20 days …" }], measured: { certDaysToExpiry: 20, … } }
 */
export function certificateFindings(
  host: string,
  timed: TimedResponse,
  thresholds: Thresholds,
): Graded {
  const certificate = timed.response.certificate;
  if (!certificate) return NOTHING_FOUND;
  const expiresAt = Date.parse(certificate.validTo);
  if (Number.isNaN(expiresAt))
    return { findings: [], measured: { certValidTo: certificate.validTo } };
  const days = Math.round(((expiresAt - timed.at) / DAY_MS) * 10) / 10;
  const measured = {
    certDaysToExpiry: days,
    certValidTo: new Date(expiresAt).toISOString(),
    certSubject: certificate.subject ?? null,
  };
  const status = gradeBelow(days, thresholds.certWarnDays, thresholds.certFailDays);
  if (status === "ok") return { findings: [], measured };
  const when =
    days < 0
      ? `expired on ${measured.certValidTo} (${Math.ceil(-days)} days ago)`
      : `expires in ${days} days (${measured.certValidTo})`;
  const limit = status === "fail" ? thresholds.certFailDays : thresholds.certWarnDays;
  return {
    findings: [
      {
        status,
        text: `TLS certificate for ${host} ${when}, under the ${limit}-day limit: renew it and check that automatic renewal works.`,
      },
    ],
    measured,
  };
}
