// Test harness for MockPay (never used by production code): MockPay served the way its own process
// serves it (mockpayApp: helmet's CSP, the JSON parser, the error handler) on its own database and Redis prefix, a
// real BullMQ queue, and a tiny HTTP receiver standing in for the shop's webhook endpoint.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import { createPool, type Pool } from "../../src/adapters/postgres/pool.js";
import { bullPrefix } from "../../src/adapters/bullmq/prefix.js";
import { closeRedis, createRedis, type Redis } from "../../src/adapters/redis/connection.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "./services.js";
import { noChaos, type ChaosSettings } from "../../src/mockpay/chaos.js";
import { mockpayApp } from "../../src/mockpay/app.js";
import { createMockPay, type MockPay } from "../../src/mockpay/index.js";
import { mockpayWebhookQueue, type MockPayJobData, type MockPayQueue } from "../../src/mockpay/queue.js";

export const harnessWebhookSecret = "whsec_mockpay_test_0123456789";
/** The key the harness's provider API accepts (Authorization: Bearer). */
export const harnessApiKey = "sk_mockpay_test_0123456789";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** What the receiver answered. */
  status: number;
  atMs: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Chooses the status for the n-th request (0-based); 200 unless replaced. */
  answer: (n: number) => number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: "", received: [], answer: () => 200, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = receiver.answer(receiver.received.length);
      receiver.received.push({
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString("utf8"),
        status,
        atMs: Date.now(),
      });
      res
        .writeHead(status, { "content-type": "application/json" })
        .end(status < 300 ? '{"received":true}' : '{"error":{"code":"test","message":"test"}}');
    });
  });
  receiver.url = `${await listen(server)}/api/payments/webhook`;
  receiver.close = () => closeServer(server);
  return receiver;
}

export interface MockPayHarness {
  /** Base URL of the app serving MockPay. */
  url: string;
  mockpay: MockPay;
  pool: Pool;
  queue: MockPayQueue;
  db: TestDatabase;
  testRedis: TestRedis;
  /** A BullMQ connection for the test's Worker. */
  bullConnection: Redis;
  bullPrefix: string;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

export interface HarnessOptions {
  chaos?: ChaosSettings;
  random?: () => number;
  /** The queue's Redis (default: the test Redis); point it at a closed port to play "Redis is down". */
  bullRedisUrl?: string;
  /** Where sessions' webhooks go (default: the harness's own receiver). */
  webhookUrl?: () => string;
}

export async function startMockPayHarness(options: HarnessOptions = {}): Promise<MockPayHarness> {
  const db = await createTestDatabase();
  const testRedis = await createTestRedis();
  const pool = createPool(db.url, { max: 10 });
  const bullConnection = createRedis(options.bullRedisUrl ?? testRedis.url, "bullmq");
  const queuePrefix = bullPrefix(testRedis.prefix, bullConnection);
  const queueErrors: Error[] = [];
  const queue: MockPayQueue = new Queue<MockPayJobData>(mockpayWebhookQueue, {
    connection: bullConnection,
    prefix: queuePrefix,
  });
  // Connection errors (the "Redis is down" test) are expected here; without a listener BullMQ prints them.
  queue.on("error", (err) => queueErrors.push(err));
  const receiver = await startReceiver();
  let baseUrl = "";
  const logger = createLogger("silent", "mockpay-test");
  const mockpay = createMockPay({
    pool,
    queue,
    publicUrl: () => baseUrl,
    webhookUrl: options.webhookUrl ?? (() => receiver.url),
    chaos: options.chaos ?? noChaos,
    logger,
    random: options.random,
    providerApiKey: harnessApiKey,
  });
  const server = createServer(mockpayApp(mockpay, { logger }));
  baseUrl = await listen(server);
  return {
    url: baseUrl,
    mockpay,
    pool,
    queue,
    db,
    testRedis,
    bullConnection,
    bullPrefix: queuePrefix,
    receiver,
    async close() {
      await closeServer(server);
      await receiver.close();
      // Bounded: a queue whose Redis is gone on purpose never finishes closing.
      await Promise.race([queue.close(), new Promise((r) => setTimeout(r, 1_000))]);
      await closeRedis(bullConnection);
      await pool.end();
      await testRedis.cleanup();
      await db.drop();
    },
  };
}

let orders = 0;

/** A session for a fresh order (the shop's createSession call). */
export async function newSession(
  h: MockPayHarness,
  amountCents = 4_200,
  payBy?: string,
): Promise<{ sessionId: string; paymentUrl: string; orderId: string }> {
  const orderId = `order-${process.pid}-${++orders}`;
  const session = await h.mockpay.provider.createSession({
    orderId,
    amountCents,
    currency: "USD",
    description: "2 × General admission — Stampede Live",
    returnUrl: `http://shop.test/orders/${orderId}?token=t0k`,
    ...(payBy === undefined ? {} : { payBy }),
  });
  return { ...session, orderId };
}

export async function completeViaApi(h: MockPayHarness, sessionId: string, outcome: string): Promise<Response> {
  return fetch(`${h.url}/mockpay/api/sessions/${sessionId}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
}

export interface EventRow {
  id: string;
  type: string;
  payload: unknown;
  delivered_at: Date | null;
  attempts: number;
  last_error: string | null;
}

export async function eventRows(h: MockPayHarness, sessionId: string): Promise<EventRow[]> {
  const { rows } = await h.pool.query<EventRow>(
    "SELECT id, type, payload, delivered_at, attempts, last_error FROM mockpay_events WHERE session_id = $1 ORDER BY id",
    [sessionId],
  );
  return rows;
}

/** Polls until `check` holds; fails with `what` after the deadline. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
