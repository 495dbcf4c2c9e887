import type { Candidate } from "./candidate.ts";
import { findingFingerprint } from "./fingerprint.ts";
import { DAY_MS } from "./format.ts";
import { severityOf } from "./severity.ts";
import { FINDING_KINDS, type Finding, type RelatedFinding } from "./types.ts";

const CLUSTER_SLACK_MS = 3 * DAY_MS;

interface Entry {
  readonly fingerprint: string;
  readonly candidate: Candidate;
  readonly severity: number;
  readonly occurrences: number;
}

/**
 * Turns detector candidates into ranked findings: merges those with the same fingerprint (the
 * same kind and scope, e.g. two bursts of one function), folds findings that another explains
 * into its `related` list (see `explains`), and sorts by severity.
 *
 * @example
 * const findings = rankFindings([...detectBursts(context), ...detectErrorClusters(context)]);
 */
export function rankFindings(candidates: readonly Candidate[]): Finding[] {
  const entries = mergeSameFingerprint(candidates);
  const explainerOf = new Map<Entry, Entry>();
  for (const entry of entries) {
    const explainer = entries
      .filter((other) => other !== entry && explains(other.candidate, entry.candidate))
      .sort((a, b) => specificity(a) - specificity(b) || b.severity - a.severity)[0];
    if (explainer) explainerOf.set(entry, explainer);
  }
  const rootOf = (entry: Entry): Entry => {
    const seen = new Set<Entry>();
    let current = entry;
    while (explainerOf.has(current) && !seen.has(current)) {
      seen.add(current);
      current = explainerOf.get(current) as Entry;
    }
    return current;
  };
  const related = new Map<Entry, RelatedFinding[]>();
  for (const entry of explainerOf.keys()) {
    const root = rootOf(entry);
    if (root === entry) continue;
    related.set(root, [
      ...(related.get(root) ?? []),
      {
        kind: entry.candidate.kind,
        fingerprint: entry.fingerprint,
        summary: entry.candidate.summary,
      },
    ]);
  }
  return entries
    .filter((entry) => !explainerOf.has(entry) || rootOf(entry) === entry)
    .map((entry) => toFinding(entry, related.get(entry) ?? []))
    .sort((a, b) => b.severity - a.severity || a.fingerprint.localeCompare(b.fingerprint));
}

function mergeSameFingerprint(candidates: readonly Candidate[]): Entry[] {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const fingerprint = findingFingerprint(candidate.kind, candidate.scope);
    groups.set(fingerprint, [...(groups.get(fingerprint) ?? []), candidate]);
  }
  return [...groups].map(([fingerprint, group]) => {
    const recurrenceDays = group.reduce((sum, candidate) => sum + candidate.recurrenceDays, 0);
    const scored = group.map((candidate) => ({
      candidate,
      severity: severityOf({
        strength: candidate.strength,
        environment: candidate.scope.environment,
        recurrenceDays,
      }),
    }));
    const strongest = scored.sort((a, b) => b.severity - a.severity)[0] as (typeof scored)[0];
    const candidate: Candidate = {
      ...strongest.candidate,
      fromMs: Math.min(...group.map((c) => c.fromMs)),
      toMs: Math.max(...group.map((c) => c.toMs)),
      recurrenceDays,
      evidence:
        group.length > 1
          ? { ...strongest.candidate.evidence, occurrences: group.length }
          : strongest.candidate.evidence,
    };
    return { fingerprint, candidate, severity: strongest.severity, occurrences: group.length };
  });
}

/**
 * Whether `a` is the better explanation of the runs behind `b`:
 * - a deploy regression explains the error clusters and bursts of its function and environment
 *   that start with it, and the duration trends of the operations it slowed down;
 * - flapping explains the error clusters and bursts it overlaps in the same scope;
 * - a burst and an error cluster overlapping in one scope: the cluster explains the burst when
 *   it holds more than twice its failures, else the burst explains the cluster.
 */
export function explains(a: Candidate, b: Candidate): boolean {
  const sameTarget =
    a.scope.function === b.scope.function && a.scope.environment === b.scope.environment;
  const sameScope = sameTarget && a.scope.operation === b.scope.operation;
  const overlap = a.fromMs <= b.toMs && b.fromMs <= a.toMs;
  const errorKind = b.kind === "error-cluster" || b.kind === "burst";
  switch (a.kind) {
    case "deploy-regression":
      if (!sameTarget || !a.regressed) return false;
      if (b.kind === "duration-trend")
        return a.regressed.durationOperations.includes(b.scope.operation ?? "");
      // Clusters are whole days and may take in a stray failure shortly before the deploy.
      return (
        errorKind &&
        a.regressed.errors &&
        b.fromMs >= a.fromMs - CLUSTER_SLACK_MS &&
        b.fromMs <= a.toMs
      );
    case "flapping":
      return errorKind && sameScope && overlap;
    case "burst":
      return b.kind === "error-cluster" && sameScope && overlap && !outweighs(b, a);
    case "error-cluster":
      return b.kind === "burst" && sameScope && overlap && outweighs(a, b);
    default:
      return false;
  }
}

function outweighs(cluster: Candidate, burst: Candidate): boolean {
  return (cluster.failures ?? 0) > 2 * (burst.failures ?? 0);
}

function specificity(entry: Entry): number {
  return FINDING_KINDS.indexOf(entry.candidate.kind);
}

function toFinding(entry: Entry, related: readonly RelatedFinding[]): Finding {
  const { candidate } = entry;
  return {
    fingerprint: entry.fingerprint,
    kind: candidate.kind,
    scope: candidate.scope,
    severity: entry.severity,
    summary: candidate.summary,
    evidence: candidate.evidence,
    nextAction: candidate.nextAction,
    window: {
      from: new Date(candidate.fromMs).toISOString(),
      to: new Date(candidate.toMs).toISOString(),
    },
    related,
  };
}
