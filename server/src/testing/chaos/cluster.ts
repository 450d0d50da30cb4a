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
export const mockpayChaos = { MOCKPAY_DUPLICATE_RATE: "0.3", MOCKPAY_DELAY_MS: "400", MOCKPAY_REORDER: "true", MOCKPAY_FAIL_RATE: "0.2" } as const;

export interface Cluster {
  url: string;
  databaseUrl: string;
  /** Every process ever started, the killed ones included (their output, for a post-mortem). */
  processes: RunningProcess[];
  fault(f: FaultPlan, redisKeepsData: boolean): Promise<void>;
  /** A process that ended without being killed by a fault (a crash: the run reports it). */
  unexpectedExits(): RunningProcess[];
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
  const postgres = await startPostgresServer(await closedPort());
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

export async function startCluster(): Promise<Cluster> {
  const parts = await startParts();
  const env: Record<string, string> = {
    DATABASE_URL: parts.db.url,
    REDIS_URL: `redis://127.0.0.1:${parts.redisPort}`,
    REDIS_PREFIX: "chaos",
    PUBLIC_URL: parts.balancer.url,
    SECRET_KEY: "chaos-secret-key-0123456789abcdef0123456789",
    ADMIN_USER: chaosAdmin.username,
    ADMIN_PASSWORD: chaosAdmin.password,
    SESSION_LIMIT_PER_IP_PER_MINUTE: "1000000",
    JOIN_LIMIT_PER_IP_PER_MINUTE: "1000000",
    CONNECTIONS_PER_IP_MAX: "100000",
    SHUTDOWN_TIMEOUT_MS: "2000",
    IDEMPOTENCY_LEASE_SECONDS: "5",
    ...mockpayChaos,
  };
  const servers: RunningServer[] = [];
  const workers: RunningProcess[] = [];
  const processes: RunningProcess[] = [];
  const killed = new Set<RunningProcess>();
  const updateBackends = () => parts.balancer.setBackends(servers.map((s) => s.port));
  const addServer = async (slot: number) => {
    const server = await startServerProcess(env, 60_000);
    servers[slot] = server;
    processes.push(server);
    updateBackends();
  };
  const addWorkers = (slot: number) => {
    workers[slot] = startProcess("workers", env);
    processes.push(workers[slot]);
  };
  // One server first: it migrates the database; the others start on a migrated one.
  await addServer(0);
  await addServer(1);
  addWorkers(0);
  addWorkers(1);

  const kill = async (p: RunningProcess) => {
    killed.add(p);
    p.child.kill("SIGKILL");
    await p.exited;
  };
  const faults: Record<FaultPlan["kind"], (f: FaultPlan, keep: boolean) => Promise<void>> = {
    async "kill-server"(f) {
      const victim = servers[f.slot]!;
      parts.balancer.setBackends(servers.filter((s) => s !== victim).map((s) => s.port));
      await kill(victim);
      await addServer(f.slot);
    },
    async "kill-workers"(f) {
      await kill(workers[f.slot]!);
      addWorkers(f.slot);
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
  return {
    url: parts.balancer.url,
    databaseUrl: parts.db.url,
    processes,
    fault: (f, keep) => faults[f.kind](f, keep),
    unexpectedExits: () => processes.filter((p) => !killed.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null)),
    async close() {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      await parts.balancer.close();
      await parts.redis.kill();
      rmSync(parts.redisDir, { recursive: true, force: true });
      await parts.postgres.destroy(); // the database goes with the cluster
    },
  };
}
