// What every start command does first: check that PostgreSQL and Redis answer (one clear line if
// not), create the database if missing and apply migrations (safe when processes start together).
import pg from "pg";
import { startupConnectTimeoutMs } from "@stampede/shared/limits";
import { createRedis } from "./adapters/redis/connection.js";
import { redisDisplayAddress } from "./adapters/redis/redis-url.js";
import { ensureDatabase } from "./adapters/postgres/database.js";
import { migrate } from "./adapters/postgres/migrate.js";
import { dependencyUnavailable } from "./adapters/dependency-errors.js";
import type { Pool } from "./adapters/postgres/pool.js";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createLedger } from "./adapters/ledger.js";

export class StartupError extends Error {
  override name = "StartupError";
}

function hostPort(url: string, defaultPort: number): string {
  const u = new URL(url);
  return `${u.hostname || "127.0.0.1"}:${u.port || defaultPort}`;
}

function reason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === "ECONNREFUSED") return "is not answering (connection refused)";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "host name does not resolve";
  if (e.code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) return "did not answer in time";
  return `refused the connection: ${e.message ?? String(err)}`;
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: startupConnectTimeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new StartupError(
      `PostgreSQL at ${hostPort(databaseUrl, 5432)} ${reason(err)} (DATABASE_URL). Start it, e.g. \`pg_ctlcluster 15 main start\` or \`docker compose up -d postgres\`.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const client = createRedis(redisUrl, "app", {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: startupConnectTimeoutMs,
    maxRetriesPerRequest: 0,
  });
  // ioredis reports the socket's own error (ECONNREFUSED …) as an event, then rejects with a generic one.
  let socketError: unknown;
  client.on("error", (err) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new StartupError(
      `Redis at ${redisDisplayAddress(redisUrl)} ${reason(socketError ?? err)} (REDIS_URL). ` +
        "Start it, e.g. `redis-server --daemonize yes` or `docker compose up -d redis`.",
    );
  } finally {
    client.disconnect();
  }
}

/** Preflight both services, then create and migrate the database. */
export async function prepareServices(config: Pick<Config, "databaseUrl" | "redisUrl">): Promise<void> {
  const results = await Promise.allSettled([checkPostgres(config.databaseUrl), checkRedis(config.redisUrl)]);
  const failures = results.flatMap((r) =>
    r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
  );
  if (failures.length > 0) throw new StartupError(failures.join("\n"));
  await retryWhileUnavailable(async () => {
    await ensureDatabase(config.databaseUrl);
    await migrate(config.databaseUrl);
  });
}

/** How long start-up keeps retrying the database set-up while PostgreSQL comes and goes. */
const setUpRetryMs = 60_000;

/**
 * PostgreSQL answered the preflight but went away during the set-up (restarted, or our backend
 * terminated): try again, each second, for a minute — a process starting during a database
 * restart waits for it rather than exiting. Every step given must be safe to repeat.
 */
export async function retryWhileUnavailable(step: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + setUpRetryMs;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (dependencyUnavailable(err) !== "postgres" || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** The ledger backend the configuration names (TigerBeetle, or the PostgreSQL ledger). */
export function createConfiguredLedger(
  config: Pick<Config, "ledger" | "databaseUrl">,
  observe: { onBatch?: (events: number) => void; logger?: Pick<Logger, "info"> } = {},
): Ledger {
  const { callTimeoutMs } = config.ledger;
  const { onBatch, logger } = observe;
  // The TigerBeetle client session's life (made, evicted, replaced) goes to the process's log.
  const log = logger ? (message: string) => logger.info({ ledger: "tigerbeetle" }, message) : undefined;
  return config.ledger.kind === "tigerbeetle"
    ? createLedger("tigerbeetle", {
        ...{ address: config.ledger.address, clusterId: config.ledger.clusterId },
        callTimeoutMs,
        log,
      })
    : createLedger("postgres", { databaseUrl: config.databaseUrl, onBatch, callTimeoutMs });
}

/**
 * Events that take payments with Stripe need its keys: under NODE_ENV=production a server without
 * them refuses to start (those events' holds could not be paid, their refunds not made); otherwise
 * it says so and starts, and such holds are answered 503.
 */
export async function checkPaymentProviders(
  pool: Pool,
  config: Pick<Config, "env" | "stripe">,
  warn: (message: string) => void,
): Promise<void> {
  if (config.stripe !== null) return;
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM events WHERE payment_provider = 'stripe'",
  );
  const events = Number(rows[0]?.n ?? 0);
  if (events === 0) return;
  const message = `STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: not set, and ${events} event(s) take payments with Stripe`;
  if (config.env === "production") throw new StartupError(message);
  warn(`${message}; their holds are answered 503 until the keys are set`);
}
