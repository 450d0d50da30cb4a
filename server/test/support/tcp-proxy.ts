// A TCP proxy in the test process, between the app and a dependency (PostgreSQL, Redis), whose
// faults are switched at run time: latency per direction (a request reaches the database at once
// while its answer comes late — the ambiguous failure), a blackhole (connections stay open, nothing
// moves — a partition; what was sent arrives once it heals, as TCP would deliver it), refusal of
// new connections, and resets (RST) of the current ones. Faults can be scoped to some connections,
// chosen by their first bytes (PostgreSQL's startup message names the application, so the ledger's
// pool can be cut off while the rest of the app still reaches the same database).
import net from "node:net";

/** up: client → upstream (requests); down: upstream → client (answers). */
export type Direction = "up" | "down";
export type ProxyMode = "pass" | "blackhole" | "refuse";

export interface TcpProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  /** Which connections the faults apply to, judged on the client's first bytes (all that has come so far;
   * undefined: not enough yet — the connection is held as affected until judged); default: every one. */
  affects?: (firstBytes: Buffer) => boolean | undefined;
}

export interface TcpProxy {
  readonly port: number;
  /** pass: forward; blackhole: hold everything (delivered when lifted); refuse: close new connections at once. */
  setMode(mode: ProxyMode): void;
  /** Delay every chunk in this direction by ms from its arrival (a change applies to chunks still waiting too). */
  setLatency(direction: Direction, ms: number): void;
  /** Sees each chunk of an affected connection before it is queued: faults set inside apply to that very chunk. */
  onChunk(tap: ((direction: Direction, chunk: Buffer) => void) | null): void;
  /** Destroys every current affected connection with RST on both sides; returns how many. */
  reset(): number;
  /** Affected connections open now. */
  connections(): number;
  /** Chunks held in the proxy in this direction now (waiting out a latency or a blackhole). */
  queued(direction: Direction): number;
  /** Affected connections with anything held in the proxy now, a request or its answer: each is a
   * connection its pool has checked out and cannot get back while the fault lasts. */
  stalled(): number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Faults {
  mode: ProxyMode;
  latencyMs: Record<Direction, number>;
  tap: ((direction: Direction, chunk: Buffer) => void) | null;
}

type Item = { chunk: Buffer; arrivedAt: number } | { end: true; arrivedAt: number };

/** One direction of one connection: chunks in arrival order, each written once its delay has passed. */
class Lane {
  private readonly queue: Item[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly direction: Direction,
    private readonly to: net.Socket,
    private readonly faults: Faults,
    private readonly affected: () => boolean,
  ) {}

  push(item: Item): void {
    this.queue.push(item);
    this.flush();
  }

  /** Writes what is due, in order; waits for the head when it is not (nothing overtakes it). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const faulty = this.affected();
    if (faulty && this.faults.mode === "blackhole") return;
    const delayMs = faulty ? this.faults.latencyMs[this.direction] : 0;
    while (this.queue.length > 0 && !this.to.destroyed) {
      const waitMs = this.queue[0]!.arrivedAt + delayMs - Date.now();
      if (waitMs > 0) {
        this.timer = setTimeout(() => this.flush(), waitMs);
        return;
      }
      const item = this.queue.shift()!;
      if ("end" in item) this.to.end();
      else this.to.write(item.chunk);
    }
  }

  get length(): number {
    return this.queue.filter((item) => "chunk" in item).length;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

class Link {
  /** null until the client's first bytes have been judged (only with an `affects` filter). */
  private affectedNow: boolean | null;
  /** The client's bytes so far while not judged yet. */
  private firstBytes = Buffer.alloc(0);
  private readonly upstream: net.Socket;
  private readonly lanes: Record<Direction, Lane>;

  constructor(
    readonly client: net.Socket,
    options: TcpProxyOptions,
    private readonly faults: Faults,
    private readonly done: (link: Link) => void,
  ) {
    this.affectedNow = options.affects ? null : true;
    this.upstream = net.connect({ port: options.upstreamPort, host: options.upstreamHost, allowHalfOpen: true });
    // Not judged yet counts as affected: a blackhole must not let a half-read startup message through.
    const affected = () => this.affectedNow !== false;
    this.lanes = {
      up: new Lane("up", this.upstream, faults, affected),
      down: new Lane("down", client, faults, affected),
    };
    this.wire(client, "up", options);
    this.wire(this.upstream, "down", options);
  }

  get affected(): boolean {
    return this.affectedNow === true;
  }

  private wire(from: net.Socket, direction: Direction, options: TcpProxyOptions): void {
    from.on("data", (chunk: Buffer) => {
      const judged = direction === "up" && this.affectedNow === null && this.judge(chunk, options);
      // With a filter, a new connection is known to be affected only once judged: refused then.
      if (judged && this.affected && this.faults.mode === "refuse") return this.reset();
      if (this.affected) this.faults.tap?.(direction, chunk);
      this.lanes[direction].push({ chunk, arrivedAt: Date.now() });
    });
    from.on("end", () => this.lanes[direction].push({ end: true, arrivedAt: Date.now() }));
    // A reset or failed connect on one side is passed on as a reset of the other.
    from.on("error", () => this.reset());
    from.on("close", () => {
      if (this.client.destroyed && this.upstream.destroyed) this.finish();
    });
  }

  /** True when this chunk decided whether the connection is affected. */
  private judge(chunk: Buffer, options: TcpProxyOptions): boolean {
    this.firstBytes = Buffer.concat([this.firstBytes, chunk]);
    const verdict = options.affects ? options.affects(this.firstBytes) : true;
    if (verdict === undefined) return false;
    this.affectedNow = verdict;
    this.firstBytes = Buffer.alloc(0);
    if (!verdict) this.flush(); // what was held while undecided goes on
    return true;
  }

  flush(): void {
    this.lanes.up.flush();
    this.lanes.down.flush();
  }

  queued(direction: Direction): number {
    return this.lanes[direction].length;
  }

  reset(): void {
    this.lanes.up.stop();
    this.lanes.down.stop();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (!this.upstream.destroyed) this.upstream.resetAndDestroy();
    this.finish();
  }

  private finish(): void {
    this.lanes.up.stop();
    this.lanes.down.stop();
    this.done(this);
  }
}

/** Listens on 127.0.0.1, a port of its own; resolves once listening. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const faults: Faults = { mode: "pass", latencyMs: { up: 0, down: 0 }, tap: null };
  const links = new Set<Link>();
  // Half-open on both sides: a client's FIN must not end the way back before the answer has come.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.on("error", () => {});
    // Without a filter every connection is affected: refused before the upstream hears of it.
    if (faults.mode === "refuse" && !options.affects) return void client.resetAndDestroy();
    links.add(new Link(client, options, faults, (link) => links.delete(link)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const flushAll = () => links.forEach((link) => link.flush());
  const affectedLinks = () => [...links].filter((link) => link.affected);
  return {
    port,
    setMode(mode) {
      faults.mode = mode;
      flushAll();
    },
    setLatency(direction, ms) {
      faults.latencyMs[direction] = ms;
      flushAll();
    },
    onChunk(tap) {
      faults.tap = tap;
    },
    reset() {
      const current = affectedLinks();
      current.forEach((link) => link.reset());
      return current.length;
    },
    connections: () => affectedLinks().length,
    queued: (direction) => affectedLinks().reduce((sum, link) => sum + link.queued(direction), 0),
    stalled: () => affectedLinks().filter((link) => link.queued("up") + link.queued("down") > 0).length,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      [...links].forEach((link) => link.reset());
      await closed;
    },
  };
}

/** The same URL, pointed at the proxy (postgres://…@127.0.0.1:5432/db → …@127.0.0.1:<proxy>/db). */
export function viaProxy(url: string, proxy: Pick<TcpProxy, "port">): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}

/** A proxy in front of the tests' shared PostgreSQL whose faults reach only the connections of one
 * pool: PostgreSQL's startup message names the application ("stampede-ledger", "stampede-server",
 * "stampede-settlement"). Give the app `viaProxy(db.url, proxy)` as its DATABASE_URL. */
export function proxyPostgresPool(postgresBase: string, applicationName: string): Promise<TcpProxy> {
  const upstream = new URL(postgresBase);
  return startTcpProxy({
    upstreamHost: upstream.hostname,
    upstreamPort: Number(upstream.port || 5432),
    affects: onPostgresStartup((startup) => startup.includes(applicationName)),
  });
}

/** An `affects` filter for PostgreSQL connections: judged once the whole startup message has come
 * (it starts with its length), which names the application. */
export function onPostgresStartup(matches: (startup: Buffer) => boolean): (firstBytes: Buffer) => boolean | undefined {
  return (bytes) => (bytes.length < 4 || bytes.length < bytes.readInt32BE(0) ? undefined : matches(bytes));
}
