/**
 * Limits that turn a measurement into ok / warn / fail. Every limit is overridable through
 * `params.thresholds`; a measurement is graded `warn` above its warn limit and `fail` above its
 * fail limit (certificates: below).
 */
export interface Thresholds {
  /** `select 1` round trip, ms. Default warn 250, fail 2000. */
  readonly databaseRoundTripWarnMs: number;
  readonly databaseRoundTripFailMs: number;
  /** Client connections in use, as % of `max_connections`. Default warn 80, fail 95. */
  readonly connectionsWarnPercent: number;
  readonly connectionsFailPercent: number;
  /** Longest running (active) query in this database, s. Default warn 60, fail 600. */
  readonly longestQueryWarnSeconds: number;
  readonly longestQueryFailSeconds: number;
  /** Oldest open transaction in this database (incl. idle in transaction), s. Default warn 300, fail 1800. */
  readonly oldestTransactionWarnSeconds: number;
  readonly oldestTransactionFailSeconds: number;
  /** Replay lag of a replica, s. Default warn 30, fail 300. */
  readonly replicationLagWarnSeconds: number;
  readonly replicationLagFailSeconds: number;
  /** Days until an https endpoint's certificate expires. Default warn below 30, fail below 7. */
  readonly certWarnDays: number;
  readonly certFailDays: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  databaseRoundTripWarnMs: 250,
  databaseRoundTripFailMs: 2000,
  connectionsWarnPercent: 80,
  connectionsFailPercent: 95,
  longestQueryWarnSeconds: 60,
  longestQueryFailSeconds: 600,
  oldestTransactionWarnSeconds: 300,
  oldestTransactionFailSeconds: 1800,
  replicationLagWarnSeconds: 30,
  replicationLagFailSeconds: 300,
  certWarnDays: 30,
  certFailDays: 7,
};

/** Pairs whose warn limit must not be past their fail limit, as [warn, fail, higher is worse]. */
export const THRESHOLD_PAIRS: readonly (readonly [keyof Thresholds, keyof Thresholds, boolean])[] =
  [
    ["databaseRoundTripWarnMs", "databaseRoundTripFailMs", true],
    ["connectionsWarnPercent", "connectionsFailPercent", true],
    ["longestQueryWarnSeconds", "longestQueryFailSeconds", true],
    ["oldestTransactionWarnSeconds", "oldestTransactionFailSeconds", true],
    ["replicationLagWarnSeconds", "replicationLagFailSeconds", true],
    ["certWarnDays", "certFailDays", false],
  ];
