// The PostgreSQL error codes (SQLSTATE) the adapters act on, by name, and the sets each use
// needs, built from those names so two lists cannot drift apart by accident. node-pg puts the
// SQLSTATE in `err.code`; a socket error it passes through as is has Node's code there instead.

export const SqlState = {
  /** connection_failure: an open connection broke. */
  connectionFailure: "08006",
  /** sqlclient_unable_to_establish_sqlconnection: the connection could not be made. */
  cannotEstablishConnection: "08001",
  /** query_canceled: statement_timeout (or a cancel request) stopped the statement. */
  queryCanceled: "57014",
  /** admin_shutdown: the server is shutting down, or our backend was terminated. */
  adminShutdown: "57P01",
  /** crash_shutdown: another backend crashed and the server is resetting every connection. */
  crashShutdown: "57P02",
  /** cannot_connect_now: the server is starting up or in recovery (also the batcher's own "no answer"). */
  cannotConnectNow: "57P03",
  /** too_many_connections: max_connections is reached. */
  tooManyConnections: "53300",
  /** serialization_failure: the transaction was rolled back; run again, it may succeed. */
  serializationFailure: "40001",
  /** deadlock_detected: the transaction was rolled back to break a deadlock; run again, it may succeed. */
  deadlockDetected: "40P01",
  /** invalid_catalog_name: the database named in the URL does not exist. */
  invalidCatalogName: "3D000",
  /** undefined_table: a table the statement names does not exist (the database is not migrated). */
  undefinedTable: "42P01",
} as const;

/** SQLSTATE classes (the first two characters) matched as a whole. */
export const SqlStateClass = {
  /** connection_exception: every 08xxx code. */
  connectionException: "08",
} as const;

/** Node's socket errors that node-pg passes through with their own code. */
export const SocketError = {
  /** Nothing listens at the address. */
  connectionRefused: "ECONNREFUSED",
  /** The peer reset the connection. */
  connectionReset: "ECONNRESET",
} as const;

/** PostgreSQL is not answering: going away, starting up, full, or past the statement timeout. */
const notAnswering = [
  SqlState.queryCanceled,
  SqlState.adminShutdown,
  SqlState.crashShutdown,
  SqlState.cannotConnectNow,
  SqlState.tooManyConnections,
];

/** dependencyUnavailable: PostgreSQL is not answering — answered 503 not_ready, retried at start-up. */
export const postgresUnavailableCodes: ReadonlySet<string> = new Set<string>([
  ...notAnswering,
  SqlState.connectionFailure,
  SqlState.cannotEstablishConnection,
  SocketError.connectionRefused,
  SocketError.connectionReset,
]);

const ledgerUnavailableCodes: ReadonlySet<string> = new Set<string>([
  ...notAnswering,
  SqlState.serializationFailure,
  SqlState.deadlockDetected,
]);

/**
 * The PostgreSQL ledger's LedgerUnavailableError ("retry with the same ids"): PostgreSQL is not
 * answering — any connection_exception or Node socket error too (ECONNREFUSED, ETIMEDOUT …; no
 * SQLSTATE class starts with "E") — or it rolled the call back for a retry to succeed.
 */
export function ledgerUnavailableCode(code: string): boolean {
  return ledgerUnavailableCodes.has(code) || code.startsWith(SqlStateClass.connectionException) || code.startsWith("E");
}
