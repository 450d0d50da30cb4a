// A stand-in for a TigerBeetle cluster and its tigerbeetle-node 0.17 clients, for tests on a
// machine where no TigerBeetle server can run. The clients implement tigerbeetle-node's Client
// interface over the in-memory reference ledger (shared/test/ledger-model.ts) and fail the way the
// real ones do, with the real error class: RequestError(ERR_CLIENT_EVICTED) once the cluster
// evicted them (at most `sessionsMax` sessions; one more evicts the one idle longest),
// RequestError(ERR_CLIENT_CLOSED) once destroyed, and any error a test tells the next call to meet.
// Like the real client, results carry fields the typings do not declare (`reserved` on create
// results). destroy() calls are recorded — on an evicted client the real one aborts Node (exit 134).
import { isIP } from "node:net";
import * as tb from "tigerbeetle-node";
import { createLedgerModel, type LedgerModel } from "../../../shared/test/ledger-model.js";

export interface TigerBeetleStandInOptions {
  /** Sessions the cluster admits before it evicts one (TigerBeetle 0.17: 64). */
  sessionsMax?: number;
  /** Fields added to every result object, on top of create results' `reserved` (as a newer client might). */
  undeclaredFields?: Readonly<Record<string, unknown>>;
  nowNs?: () => bigint;
}

type ClientState = "registered" | "evicted" | "destroyed";

interface Parked {
  client: StandInClient;
  resume: () => void;
  fail: (err: Error) => void;
}

/** One cluster: shared ledger state, its sessions, and the levers tests pull. */
export class TigerBeetleStandIn {
  readonly model: LedgerModel;
  /** Every client made, oldest first. */
  readonly clients: StandInClient[] = [];
  readonly sessionsMax: number;
  readonly undeclaredFields: Readonly<Record<string, unknown>>;
  private readonly failures: Error[] = [];
  private parked: Parked[] = [];
  private paused = false;
  private activity = 0;

  constructor(options: TigerBeetleStandInOptions = {}) {
    this.model = createLedgerModel(options.nowNs === undefined ? {} : { nowNs: options.nowNs });
    this.sessionsMax = options.sessionsMax ?? 64;
    this.undeclaredFields = options.undeclaredFields ?? {};
  }

  /** tigerbeetle-node's createClient, for TigerBeetleLedgerOptions.createClient. */
  readonly createClient = (args: tb.ClientInitArgs): tb.Client => {
    for (const address of args.replica_addresses) {
      if (!validAddress(String(address))) throw new Error("Invalid replica address.");
    }
    const client = new StandInClient(this, args);
    this.clients.push(client);
    this.touch(client);
    const live = this.clients.filter((c) => c.state === "registered");
    if (live.length > this.sessionsMax) {
      const idlest = live.reduce((a, b) => (a.lastActivity <= b.lastActivity ? a : b));
      this.evict(idlest);
    }
    return client;
  };

  /** The cluster evicts this client (default: the newest): its calls in flight and after fail. */
  evict(client: StandInClient | undefined = this.clients.at(-1)): void {
    if (client === undefined || client.state !== "registered") return;
    client.state = "evicted";
    this.failParked(client, new tb.RequestError(tb.ErrorCodes.ERR_CLIENT_EVICTED));
  }

  /** The next request (of any client) fails with this: a RequestError code, or any error. */
  failNext(failure: tb.ErrorCodes | Error): void {
    this.failures.push(failure instanceof Error ? failure : new tb.RequestError(failure));
  }

  /** Holds every request in flight until the returned function is called (or its client dies). */
  pause(): () => void {
    this.paused = true;
    return () => {
      this.paused = false;
      const parked = this.parked;
      this.parked = [];
      for (const p of parked) p.resume();
    };
  }

  /** Requests held by pause(). */
  get inFlight(): number {
    return this.parked.length;
  }

  touch(client: StandInClient): void {
    client.lastActivity = ++this.activity;
  }

  takeFailure(): Error | undefined {
    return this.failures.shift();
  }

  /** Resolves when the request may run; rejects if its client dies while it waits. */
  gate(client: StandInClient): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resume, fail) => this.parked.push({ client, resume, fail }));
  }

  failParked(client: StandInClient, err: Error): void {
    const [theirs, others] = partition(this.parked, (p) => p.client === client);
    this.parked = others;
    for (const p of theirs) p.fail(err);
  }
}

export class StandInClient implements tb.Client {
  state: ClientState = "registered";
  lastActivity = 0;
  /** Every destroy() call, and those made while the client was evicted (the real one aborts there). */
  destroyCalls = 0;
  destroyCallsWhileEvicted = 0;
  requests = 0;

  constructor(
    private readonly cluster: TigerBeetleStandIn,
    readonly args: tb.ClientInitArgs,
  ) {}

  createAccounts = (batch: tb.Account[]): Promise<tb.CreateAccountResult[]> =>
    this.request(async () => withReserved(await this.cluster.model.createAccounts(batch)));

  createTransfers = (batch: tb.Transfer[]): Promise<tb.CreateTransferResult[]> =>
    this.request(async () => withReserved(await this.cluster.model.createTransfers(batch)));

  lookupAccounts = (batch: bigint[]): Promise<tb.Account[]> =>
    this.request(() => this.cluster.model.lookupAccounts(batch));

  lookupTransfers = (batch: bigint[]): Promise<tb.Transfer[]> =>
    this.request(() => this.cluster.model.lookupTransfers(batch));

  getAccountTransfers = (): Promise<tb.Transfer[]> => unsupported("getAccountTransfers");
  getAccountBalances = (): Promise<tb.AccountBalance[]> => unsupported("getAccountBalances");
  queryAccounts = (): Promise<tb.Account[]> => unsupported("queryAccounts");
  queryTransfers = (): Promise<tb.Transfer[]> => unsupported("queryTransfers");

  destroy = (): void => {
    this.destroyCalls += 1;
    if (this.state === "evicted") {
      this.destroyCallsWhileEvicted += 1;
      throw new Error("stand-in: destroy() of an evicted client (tigerbeetle-node 0.17.9 aborts the process here)");
    }
    if (this.state === "destroyed") return;
    this.state = "destroyed";
    this.cluster.failParked(this, new tb.RequestError(tb.ErrorCodes.ERR_CLIENT_CLOSED));
  };

  private async request<R extends object>(run: () => Promise<R[]>): Promise<R[]> {
    this.requests += 1;
    this.failIfDead();
    this.cluster.touch(this);
    const injected = this.cluster.takeFailure();
    if (injected !== undefined) throw injected;
    await this.cluster.gate(this);
    this.failIfDead();
    const results = await run();
    return results.map((r) => ({ ...r, ...this.cluster.undeclaredFields }));
  }

  private failIfDead(): void {
    if (this.state === "destroyed") throw new tb.RequestError(tb.ErrorCodes.ERR_CLIENT_CLOSED);
    if (this.state === "evicted") throw new tb.RequestError(tb.ErrorCodes.ERR_CLIENT_EVICTED);
  }
}

/** What the real client answers for create_*: the declared fields and an undeclared `reserved`. */
function withReserved<R extends { timestamp: bigint; status: number }>(results: R[]): (R & { reserved: number })[] {
  return results.map((r) => ({ ...r, reserved: 0 }));
}

function unsupported(what: string): Promise<never> {
  return Promise.reject(new Error(`stand-in: ${what} is not implemented (Stampede does not use it)`));
}

/** Like the real client: IP addresses with optional port, or a bare port — never a host name. */
function validAddress(address: string): boolean {
  if (/^\d+$/.test(address)) return true;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return isIP(bracketed[1] ?? "") === 6;
  const [host = "", port, ...rest] = address.split(":");
  return rest.length === 0 && isIP(host) === 4 && (port === undefined || /^\d+$/.test(port));
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

export function createTigerBeetleStandIn(options: TigerBeetleStandInOptions = {}): TigerBeetleStandIn {
  return new TigerBeetleStandIn(options);
}
