// Builds the real app against the real services, isolated per test file (own database, own Redis
// prefix), listening on an ephemeral port.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPool, type Pool } from "../../src/adapters/postgres/pool.js";
import { closeRedis, createRedis, type Redis } from "../../src/adapters/redis/connection.js";
import { createApp, type App, type AppDeps } from "../../src/app.js";
import { createLedger } from "../../src/adapters/ledger.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { ReadinessChecks } from "../../src/http/health.js";
import { answerUnparsableRequests } from "../../src/http/client-errors.js";
import { createLogger } from "../../src/logger.js";
import { AdminUsers } from "../../src/services/admin/admin-users.js";
import { AdminUsersRepo } from "../../src/adapters/postgres/admin-users-repo.js";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "./services.js";

export interface TestApp extends App {
  url: string;
  server: Server;
  pool: Pool;
  redis: Redis;
  ledger: Ledger;
  db: TestDatabase;
  testRedis: TestRedis;
  close(): Promise<void>;
}

export const testWebhookSecret = "whsec_test_0123456789abcdef";
export const testAdmin = { username: "admin", password: "correct-horse-battery" } as const;

/** `readiness` entries replace the default checks of the same name (to break one on purpose). */
export async function startTestApp(
  overrides: Partial<Omit<AppDeps, "readiness">> & { readiness?: ReadinessChecks } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const testRedis = await createTestRedis();
  const pool = createPool(db.url, { max: 10 });
  const redis = createRedis(testRedis.url, "app");
  const ledger = createLedger("postgres", { databaseUrl: db.url });
  const bullRedis = createRedis(testRedis.url, "bullmq");
  let publicUrl = "http://127.0.0.1";
  await new AdminUsers(new AdminUsersRepo(pool)).bootstrap(testAdmin.username, testAdmin.password);
  const built = createApp({
    publicUrl: () => publicUrl,
    bullRedis,
    webhookSecrets: () => [testWebhookSecret],
    mockpayChaos: { duplicateRate: 0, delayMs: 0, reorder: false, failRate: 0 },
    trustProxyHops: 0,
    redisPrefix: testRedis.prefix,
    secretKey: "test-secret-key-with-at-least-32-characters",
    limits: { sessionsPerIpPerMinute: 100_000, joinsPerIpPerMinute: 100_000 },
    logger: createLogger("silent", "test"),
    pool,
    redis,
    ledger,
    clientDistDir: "/nonexistent-client-dist",
    checkResponses: true,
    ...overrides,
    readiness: { redis: () => redis.ping(), postgres: () => pool.query("SELECT 1"), ...overrides.readiness },
  });
  const server = createServer(built.app);
  answerUnparsableRequests(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  publicUrl = `http://127.0.0.1:${port}`;
  return {
    ...built,
    url: `http://127.0.0.1:${port}`,
    server,
    pool,
    redis,
    ledger,
    db,
    testRedis,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await built.checkout.close();
      await closeRedis(bullRedis);
      await ledger.close();
      await pool.end();
      await closeRedis(redis);
      await testRedis.cleanup();
      await db.drop();
    },
  };
}
