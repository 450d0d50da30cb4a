// The whole installation a chaos run attacks, all of it its own: a PostgreSQL cluster and a
// redis-server on spare ports, a database, two server processes behind one balancer address and
// two workers processes, MockPay's webhook chaos on. The faults act on it: kill -9 a server or
// a workers process and start a replacement, restart Redis, restart PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgresServer, type SparePostgres } from "../postgres-server.js";
import { startRedisServer, type SpareRedis } from "../redis-server.js";
import { startProcess, startServerProcess, type RunningProcess, type RunningServer } from "../processes.js";
import { closedPort, createTestDatabase, type TestDatabase } from "../services.js";
import { startBalancer, type Balancer } from "./balancer.js";
import type { FaultPlan } from "./plan.js";

export const chaosAdmin = { username: "admin", password: "chaos-admin-password" } as const;

/** MockPay's webhook chaos (README, Configuration): duplicates, delays, reordering, dropped attempts. */
export const mockpayChaos = {
  MOCKPAY_DUPLICATE_RATE: "0.3",
  MOCKPAY_DELAY_MS: "400",
  MOCKPAY_REORDER: "true",
  MOCKPAY_FAIL_RATE: "0.2",
} as const;

export interface Cluster {
  url: string;
  databaseUrl: string;
  /** Every process ever started, the killed ones included (their output, for a post-mortem). */
  processes: RunningProcess[];
  fault(f: FaultPlan, redisKeepsData: boolean): Promise<void>;
  /** Processes that ended on their own, other than a start refused for a dependency (crashes). */
  unexpectedExits(): RunningProcess[];
  /** Starts refused because a dependency was down then (each was started again, as `npm start` does). */
  startRefusals(): string[];
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Parts {
  postgres: SparePostgres;
  redisPort: number;
  redisDir: string;
  redis: SpareRedis;
  db: TestDatabase;
  balancer: Balancer;
}

async function startParts(): Promise<Parts> {
  // A restart is -m immediate (a crash): every commit the processes saw succeed must survive it.
  const postgres = await startPostgresServer(await closedPort(), { durableCommits: true });
  try {
    const redisPort = await closedPort();
    const redisDir = mkdtempSync(join(tmpdir(), "stampede-chaos-redis-"));
    const redis = await startRedisServer(redisPort, 20_000, { appendOnlyDir: redisDir });
    const db = await createTestDatabase({ migrate: false, base: postgres.url });
    const balancer = await startBalancer();
    return { postgres, redisPort, redisDir, redis, db, balancer };
  } catch (err) {
    await postgres.destroy();
    throw err;
  }
}

function processEnv(parts: Parts): Record<string, string> {
  return {
    DATABASE_URL: parts.db.url,
    REDIS_URL: `redis://127.0.0.1:${parts.redisPort}`,
    REDIS_PREFIX: "chaos",
    PUBLIC_URL: parts.balancer.url,
    SECRET_KEY: "chaos-secret-key-0123456789abcdef0123456789",
    ADMIN_USER: chaosAdmin.username,
    ADMIN_PASSWORD: chaosAdmin.password,
    SESSION_LIMIT_PER_IP_PER_MINUTE: "1000000",
    JOIN_LIMIT_PER_IP_PER_MINUTE: "1000000",
    BOT_DEFENCE_DEFAULT_MODE: "off",
    CONNECTIONS_PER_IP_MAX: "100000",
    SHUTDOWN_TIMEOUT_MS: "2000",
    IDEMPOTENCY_LEASE_SECONDS: "5",
    ...mockpayChaos,
  };
}

/** A start refused because a dependency was down at that instant ("stampede: cannot start: …"). */
const startRefused = /stampede: cannot start: [^\n]*/;

/**
 * The server and workers processes in their two slots each, and every one ever started. Like the
 * supervisor of `npm start`, a process that ends on its own is started again (1 s, doubling): a
 * replacement started while PostgreSQL or Redis is down refuses to start, by design, with one clear
 * line. Those refusals are counted; any other ending is a crash, reported as a failure of the run.
 */
class Processes {
  readonly servers: RunningServer[] = [];
  readonly workers: RunningProcess[] = [];
  readonly all: RunningProcess[] = [];
  readonly killed = new Set<RunningProcess>();
  readonly refusals: string[] = [];
  readonly crashes: RunningProcess[] = [];
  closing = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly balancer: Balancer,
  ) {}

  /** Whether this ending is a start refused for a dependency (counted, then started again). */
  private refused(p: RunningProcess): boolean {
    const line = startRefused.exec(p.output())?.[0];
    if (line) this.refusals.push(line);
    return line !== undefined;
  }

  private async restartLater<T>(attempt: number, start: () => Promise<T>): Promise<T> {
    await pause(Math.min(1_000 * 2 ** attempt, 30_000));
    return start();
  }

  async addServer(slot: number, attempt = 0): Promise<void> {
    let server: RunningServer;
    try {
      // Generous: a replacement starts while the machine is busy with the sale (and maybe a restart).
      server = await startServerProcess(this.env, 120_000);
    } catch (err) {
      const line = startRefused.exec((err as Error).message)?.[0];
      if (!line || this.closing) throw err;
      this.refusals.push(line);
      return this.restartLater(attempt, () => this.addServer(slot, attempt + 1));
    }
    this.servers[slot] = server;
    this.supervise(server, () => this.addServer(slot));
    this.balancer.setBackends(this.servers.map((s) => s.port));
  }

  addWorkers(slot: number, attempt = 0): void {
    const workers = startProcess("workers", this.env);
    this.workers[slot] = workers;
    this.supervise(workers, () => this.restartLater(attempt, async () => this.addWorkers(slot, attempt + 1)));
  }

  private supervise(p: RunningProcess, again: () => Promise<void>): void {
    this.all.push(p);
    void p.exited.then(() => {
      if (this.killed.has(p) || this.closing) return;
      if (!this.refused(p)) this.crashes.push(p);
      void again().catch(() => {});
    });
  }

  async kill(p: RunningProcess): Promise<void> {
    this.killed.add(p);
    p.child.kill("SIGKILL");
    await p.exited;
  }

  async killServer(slot: number): Promise<void> {
    const victim = this.servers[slot]!;
    this.balancer.setBackends(this.servers.filter((s) => s !== victim).map((s) => s.port));
    await this.kill(victim);
    await this.addServer(slot);
  }
}

function faultActions(
  parts: Parts,
  processes: Processes,
): Record<FaultPlan["kind"], (f: FaultPlan, keep: boolean) => Promise<void>> {
  return {
    "kill-server": (f) => processes.killServer(f.slot),
    async "kill-workers"(f) {
      await processes.kill(processes.workers[f.slot]!);
      processes.addWorkers(f.slot);
    },
    async "restart-redis"(f, keep) {
      await parts.redis.kill();
      if (!keep) {
        rmSync(parts.redisDir, { recursive: true, force: true });
        parts.redisDir = mkdtempSync(join(tmpdir(), "stampede-chaos-redis-"));
      }
      await pause(f.downMs);
      parts.redis = await startRedisServer(parts.redisPort, 20_000, { appendOnlyDir: parts.redisDir });
    },
    async "restart-postgres"(f) {
      await parts.postgres.stop("immediate");
      await pause(f.downMs);
      await parts.postgres.start();
    },
  };
}

export async function startCluster(): Promise<Cluster> {
  const parts = await startParts();
  const processes = new Processes(processEnv(parts), parts.balancer);
  const close = async () => {
    processes.closing = true;
    for (const p of processes.all)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(processes.all.map((p) => p.exited));
    await parts.balancer.close();
    await parts.redis.kill();
    rmSync(parts.redisDir, { recursive: true, force: true });
    await parts.postgres.destroy(); // the database goes with the cluster
  };
  try {
    // One server first: it migrates the database; the others start on a migrated one.
    await processes.addServer(0);
    await processes.addServer(1);
    processes.addWorkers(0);
    processes.addWorkers(1);
  } catch (err) {
    await close();
    throw err;
  }
  const actions = faultActions(parts, processes);
  return {
    url: parts.balancer.url,
    databaseUrl: parts.db.url,
    processes: processes.all,
    fault: (f, keep) => actions[f.kind](f, keep),
    unexpectedExits: () => processes.crashes,
    startRefusals: () => processes.refusals,
    close,
  };
}
