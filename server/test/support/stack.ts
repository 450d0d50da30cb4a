// A real Stampede for end-to-end tests: its own database and Redis prefix, and as many server
// processes as the test wants (multi-node), all started the way `npm run start:server` does, and
// MockPay in its own process when a test wants that.
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "./services.js";
import {
  startMockPayProcess,
  startProcess,
  startServerProcess,
  type RunningProcess,
  type RunningServer,
} from "./processes.js";

export const stackAdmin = { username: "admin", password: "e2e-admin-password" } as const;
export const stackSecretKey = "e2e-secret-key-0123456789abcdef0123456789";

export interface TestStack {
  db: TestDatabase;
  redis: TestRedis;
  env: Record<string, string>;
  servers: RunningServer[];
  addServer(extraEnv?: Record<string, string>): Promise<RunningServer>;
  addWorkers(extraEnv?: Record<string, string>): RunningProcess;
  /** MockPay as its own process on this stack's database and Redis; give the shop MOCKPAY_URL = its url. */
  addMockPay(extraEnv?: Record<string, string>): Promise<RunningProcess & { url: string }>;
  close(): Promise<void>;
}

/** postgresBase: another PostgreSQL cluster (a throwaway one from postgres-server.ts) for its database;
 * redisUrl: another Redis (a Redis Cluster's `redis+cluster://…`, from redis-backends.ts) for its keys. */
export async function startStack(
  env: Record<string, string> = {},
  options: { postgresBase?: string; redisUrl?: string } = {},
): Promise<TestStack> {
  const db = await createTestDatabase({ migrate: false, base: options.postgresBase });
  const redis = await createTestRedis(options.redisUrl);
  const baseEnv = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    SECRET_KEY: stackSecretKey,
    ADMIN_USER: stackAdmin.username,
    ADMIN_PASSWORD: stackAdmin.password,
    SESSION_LIMIT_PER_IP_PER_MINUTE: "100000",
    JOIN_LIMIT_PER_IP_PER_MINUTE: "100000",
    // Every fan of a test comes from 127.0.0.1: no browser check unless a test sets one for its event.
    BOT_DEFENCE_DEFAULT_MODE: "off",
    SHUTDOWN_TIMEOUT_MS: "2000",
    // Without SMTP_URL the workers write order emails as .eml files: this stack's own folder, not the repo's.
    MAIL_DIR: path.join(tmpdir(), `stampede-mail-${redis.prefix}`),
    ...env,
  };
  const processes: RunningProcess[] = [];
  const stack: TestStack = {
    db,
    redis,
    env: baseEnv,
    servers: [],
    async addServer(extraEnv = {}) {
      const server = await startServerProcess({ ...baseEnv, ...extraEnv });
      stack.servers.push(server);
      processes.push(server);
      return server;
    },
    addWorkers(extraEnv = {}) {
      const workers = startProcess("workers", { ...baseEnv, ...extraEnv });
      processes.push(workers);
      return workers;
    },
    async addMockPay(extraEnv = {}) {
      const mockpay = await startMockPayProcess({ ...baseEnv, ...extraEnv });
      processes.push(mockpay);
      return mockpay;
    },
    async close() {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      await redis.cleanup();
      await db.drop();
      await rm(baseEnv.MAIL_DIR, { recursive: true, force: true });
    },
  };
  return stack;
}
