import { gradeAbove } from "../grade.ts";
import type { Thresholds } from "../thresholds.ts";
import type { Check } from "../types.ts";
import type { DatabaseSample, SessionSample } from "./database-sample.ts";

/**
 * Grades a database sample into the `database`, `database.connections`,
 * `database.longest-query`, `database.oldest-transaction` and `database.replication-lag` checks.
 * Pure: the same sample gives the same checks.
 *
 * @example
 * gradeDatabase(await sampleDatabase(client, timing), DEFAULT_THRESHOLDS).map((c) => c.status);
 */
export function gradeDatabase(sample: DatabaseSample, thresholds: Thresholds): Check[] {
  return [
    roundTripCheck(sample, thresholds),
    connectionsCheck(sample, thresholds),
    longestQueryCheck(sample, thresholds),
    oldestTransactionCheck(sample, thresholds),
    replicationCheck(sample, thresholds),
  ];
}

function roundTripCheck(sample: DatabaseSample, t: Thresholds): Check {
  const roundTripMs = Math.round(sample.roundTripMs);
  const status = gradeAbove(roundTripMs, t.databaseRoundTripWarnMs, t.databaseRoundTripFailMs);
  const limit = status === "fail" ? t.databaseRoundTripFailMs : t.databaseRoundTripWarnMs;
  return {
    name: "database",
    status,
    measured: {
      target: sample.target,
      database: sample.database,
      serverVersion: sample.serverVersion,
      connectMs: Math.round(sample.connectMs),
      roundTripMs,
    },
    thresholds: {
      roundTripWarnMs: t.databaseRoundTripWarnMs,
      roundTripFailMs: t.databaseRoundTripFailMs,
    },
    message:
      status === "ok"
        ? `PostgreSQL ${sample.serverVersion} at ${sample.target} answered 'select 1' in ${roundTripMs} ms.`
        : `'select 1' took ${roundTripMs} ms, over the ${limit} ms limit: check the database's CPU and I/O load and the network path to it.`,
  };
}

function connectionsCheck(sample: DatabaseSample, t: Thresholds): Check {
  const { connectionsInUse: inUse, maxConnections: max } = sample;
  const usedPercent = Math.round((inUse / max) * 1000) / 10;
  const status = gradeAbove(usedPercent, t.connectionsWarnPercent, t.connectionsFailPercent);
  const limit = status === "fail" ? t.connectionsFailPercent : t.connectionsWarnPercent;
  const found = `${inUse} of ${max} connections in use (${usedPercent}%)`;
  return {
    name: "database.connections",
    status,
    measured: { inUse, max, usedPercent, reservedForSuperuser: sample.reservedConnections },
    thresholds: { warnPercent: t.connectionsWarnPercent, failPercent: t.connectionsFailPercent },
    message:
      status === "ok"
        ? `${found}.`
        : `${found}, over the ${limit}% limit: find idle or leaking clients (SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3), pool connections (RDS Proxy, smaller pools), or raise max_connections.`,
  };
}

function longestQueryCheck(sample: DatabaseSample, t: Thresholds): Check {
  return sessionAgeCheck(sample, {
    name: "database.longest-query",
    session: sample.longestQuery,
    warnSeconds: t.longestQueryWarnSeconds,
    failSeconds: t.longestQueryFailSeconds,
    none: `No other query is running in database ${sample.database}.`,
    found: (session) => `The query of ${who(session)} has been running for ${seconds(session)} s`,
    advice: (session) =>
      `: look at it with SELECT query FROM pg_stat_activity WHERE pid = ${session.pid}, and if it is stuck cancel it with SELECT pg_cancel_backend(${session.pid}).`,
  });
}

function oldestTransactionCheck(sample: DatabaseSample, t: Thresholds): Check {
  return sessionAgeCheck(sample, {
    name: "database.oldest-transaction",
    session: sample.oldestTransaction,
    warnSeconds: t.oldestTransactionWarnSeconds,
    failSeconds: t.oldestTransactionFailSeconds,
    none: `No other transaction is open in database ${sample.database}.`,
    found: (session) =>
      `The transaction of ${who(session)} has been open for ${seconds(session)} s (state: ${session.state ?? "unknown"})`,
    advice: (session) =>
      `; it holds its locks and keeps vacuum from removing dead rows: have the client commit or roll back, or end it with SELECT pg_terminate_backend(${session.pid}); set idle_in_transaction_session_timeout to stop it recurring.`,
  });
}

type Session = NonNullable<DatabaseSample["longestQuery"]>;

/** A check on how long the oldest session of a kind (query, transaction) has lasted. */
function sessionAgeCheck(
  sample: DatabaseSample,
  spec: {
    name: string;
    session: Session | null | undefined;
    warnSeconds: number;
    failSeconds: number;
    none: string;
    found: (session: Session) => string;
    /** What to do, after "over the N s limit" (starts with its own punctuation). */
    advice: (session: Session) => string;
  },
): Check {
  const thresholds = { warnSeconds: spec.warnSeconds, failSeconds: spec.failSeconds };
  const scope = visibilityNote(sample);
  const { session } = spec;
  if (!session) {
    return {
      name: spec.name,
      status: "ok",
      measured: { seconds: 0, pid: null },
      thresholds,
      message: `${spec.none}${scope}`,
    };
  }
  const status = gradeAbove(session.seconds, spec.warnSeconds, spec.failSeconds);
  const limit = status === "fail" ? spec.failSeconds : spec.warnSeconds;
  const found = spec.found(session);
  return {
    name: spec.name,
    status,
    measured: sessionMeasurements(session),
    thresholds,
    message:
      status === "ok"
        ? `${found}.${scope}`
        : `${found}, over the ${limit} s limit${spec.advice(session)}${scope}`,
  };
}

function replicationCheck(sample: DatabaseSample, t: Thresholds): Check {
  const thresholds = {
    warnSeconds: t.replicationLagWarnSeconds,
    failSeconds: t.replicationLagFailSeconds,
  };
  const replication = sample.replication;
  if (!replication.inRecovery) {
    return {
      name: "database.replication-lag",
      status: "ok",
      measured: { inRecovery: false, lagSeconds: null },
      thresholds,
      message: "Skipped: this server is a primary (not in recovery), so it has no replication lag.",
    };
  }
  const measured = { inRecovery: true, caughtUp: replication.caughtUp };
  if (replication.lagSeconds === null) {
    return {
      name: "database.replication-lag",
      status: "warn",
      measured: { ...measured, lagSeconds: null },
      thresholds,
      message:
        "This replica has not replayed any transaction yet: check that it streams from the primary (pg_stat_wal_receiver) and that the primary's WAL reaches it.",
    };
  }
  // A caught-up replica of an idle primary shows a growing replay timestamp lag that is not real.
  const lagSeconds = replication.caughtUp ? 0 : Math.round(replication.lagSeconds * 10) / 10;
  const status = gradeAbove(lagSeconds, t.replicationLagWarnSeconds, t.replicationLagFailSeconds);
  const limit = status === "fail" ? t.replicationLagFailSeconds : t.replicationLagWarnSeconds;
  return {
    name: "database.replication-lag",
    status,
    measured: { ...measured, lagSeconds },
    thresholds,
    message:
      status === "ok"
        ? `Replica is ${lagSeconds} s behind the primary.`
        : `Replica is ${lagSeconds} s behind the primary, over the ${limit} s limit: check the replica's I/O and CPU, long queries on it that conflict with replay, and the network from the primary; reads from it are stale meanwhile.`,
  };
}

function who(session: SessionSample): string {
  const app = session.application ? `, application '${session.application}'` : "";
  return `pid ${session.pid} (user ${session.user ?? "unknown"}${app})`;
}

function seconds(session: SessionSample): number {
  return Math.round(session.seconds * 10) / 10;
}

function sessionMeasurements(session: SessionSample) {
  return {
    seconds: seconds(session),
    pid: session.pid,
    user: session.user,
    application: session.application,
    state: session.state,
  };
}

function visibilityNote(sample: DatabaseSample): string {
  return sample.allSessionsVisible
    ? ""
    : " Only this role's own sessions are visible: grant it pg_monitor to see every session.";
}
