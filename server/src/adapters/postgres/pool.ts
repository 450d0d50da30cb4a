// One pg.Pool per process. Every query carries a statement timeout so no request waits forever.
import pg from "pg";
import type { Transactions, Tx } from "@stampede/shared/ports/transaction";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  max?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/** The error that ended a client's connection, if one did. */
const lostConnections = new WeakMap<object, Error>();

/** pg-pool listens for errors only on idle clients: a checked-out client whose connection dies
 * between queries (backend terminated, database stopped while the holder waits on the ledger)
 * would emit an unhandled "error" and end the process. Every pool client listens from birth to
 * end instead, and remembers the error so its holder can release it as broken. */
class ListeningClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", (err: Error) => lostConnections.set(this, err));
  }
}

/** How much longer than its statement timeout a query may go unanswered before its connection is dropped. */
const queryReadMarginMs = 1_000;

export function createPool(databaseUrl: string, options: PoolOptions = {}): Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 20,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    // statement_timeout needs the database to hear the query: on a connection where nothing comes
    // back (a network partition) the query would wait forever and its client would never return
    // to the pool. Past this the query fails and the pool drops that client, so a pool whose
    // connections are all cut off opens new ones instead of staying full of stuck clients.
    query_timeout: statementTimeoutMs + queryReadMarginMs,
    application_name: options.applicationName ?? "stampede",
    idleTimeoutMillis: 30_000,
    Client: ListeningClient,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool drops it and the next query gets a fresh one.
  pool.on("error", () => {});
  return pool;
}

/** The connection error a client has seen, or undefined while it is healthy. */
export function connectionLost(client: PoolClient): Error | undefined {
  return lostConnections.get(client);
}

/** Runs fn inside one transaction; rolls back on any throw. A client whose connection failed
 * is released with the error, so the pool discards it instead of handing it out again. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackErr: unknown) => {
      failure = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    client.release(connectionLost(client) ?? failure);
  }
}

/** The connection behind a services' transaction handle (only repositories look inside one). */
export function clientOf(tx: Tx): PoolClient {
  return tx as unknown as PoolClient;
}

/** Transactions on this pool, handing services an opaque Tx instead of the connection. */
export function transactionsOn(pool: Pool): Transactions {
  return (fn) => inTransaction(pool, (client) => fn(client as unknown as Tx));
}
