// The process's TigerBeetle client sessions: one client per cluster (cluster id + replica
// addresses), shared by every ledger opened on it, and replaced when the cluster evicts it.
//
// Why one per process: a cluster admits a fixed number of client sessions (clients_max, 64 in
// 0.17); registering one more evicts the session that has been idle longest, and an evicted client
// never answers again. Each server and workers process therefore holds exactly one session per
// cluster (the client batches concurrent requests itself), so about 60 processes fit on a cluster
// with room for the operator's REPL. Past that they evict each other: each eviction costs its
// process one failed call (LedgerUnavailableError, retried with the same ids) and a new session,
// which in turn evicts another — it recovers, but thrashes; scale the cluster's clients, not this.
import type { Client, ClientInitArgs } from "tigerbeetle-node";

export type CreateClient = (args: ClientInitArgs) => Client;

/** Client sessions one cluster admits at once (TigerBeetle 0.17's clients_max). */
export const clusterSessionsMax = 64;

export interface Session {
  readonly key: string;
  readonly args: ClientInitArgs;
  readonly make: CreateClient;
  readonly log: (message: string) => void;
  /** The client every new call goes to. */
  client: Client;
  /**
   * Clients that can never answer again (evicted, or closed by someone else). They are dropped,
   * never destroyed: destroy() on an evicted client aborts the process (tigerbeetle-node 0.17.9).
   */
  readonly dead: WeakSet<Client>;
  users: number;
  replacements: number;
  /** False once the last ledger on it closed: its client is gone and nothing may replace it. */
  open: boolean;
}

// Keyed by factory first so a test's stand-in clients never share a session with real ones.
const sessions = new WeakMap<CreateClient, Map<string, Session>>();

function describe(args: ClientInitArgs): string {
  return `cluster ${args.cluster_id} at ${args.replica_addresses.join(",")}`;
}

/** This process's session for the cluster, made on first use. */
export function acquireSession(
  make: CreateClient,
  address: string,
  clusterId: bigint,
  log: (message: string) => void,
): Session {
  const key = `${clusterId}/${address}`;
  let byKey = sessions.get(make);
  if (byKey === undefined) sessions.set(make, (byKey = new Map()));
  let session = byKey.get(key);
  if (session === undefined) {
    const args = { cluster_id: clusterId, replica_addresses: address.split(",").map((a) => a.trim()) };
    const client = make(args);
    session = { key, args, make, log, client, dead: new WeakSet(), users: 0, replacements: 0, open: true };
    byKey.set(key, session);
    log(
      `TigerBeetle ${describe(args)}: this process's one client session ` +
        `(a cluster admits ${clusterSessionsMax}; every server and workers process holds one)`,
    );
  }
  session.users += 1;
  return session;
}

/**
 * One ledger on the session closed; the last one destroys its client, unless that client is dead.
 * A client evicted since its last call cannot be told apart from a healthy one (only a call finds
 * out): that is the one case left where destroy() may meet an evicted client, at shutdown.
 */
export function releaseSession(session: Session): void {
  session.users -= 1;
  if (session.users > 0) return;
  session.open = false;
  const byKey = sessions.get(session.make);
  if (byKey?.get(session.key) === session) byKey.delete(session.key);
  if (!session.dead.has(session.client)) session.client.destroy();
}

/**
 * `client` can never answer again. If it is still the session's client, a new one takes its place
 * (the caller's retry goes there); calls that failed on the same client concurrently find it
 * already replaced, so one eviction makes one new client.
 */
export function replaceDeadClient(session: Session, client: Client, why: string): void {
  session.dead.add(client);
  if (!session.open || session.client !== client) return;
  try {
    session.client = session.make(session.args);
    session.replacements += 1;
    session.log(
      `TigerBeetle ${describe(session.args)}: client ${why}; replaced by a new session ` +
        `(replacement ${session.replacements}; the old client is dropped, not destroyed)`,
    );
  } catch (err) {
    // Keep the dead client: the next call fails on it the same way and tries again.
    session.log(`TigerBeetle ${describe(session.args)}: client ${why}; a new one could not be made: ${String(err)}`);
  }
}
