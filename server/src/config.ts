// Every setting, parsed and validated once. Nothing else in the codebase reads process.env:
// composition roots call loadConfig(process.env) and pass the result down.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { redisUrlProblem } from "./adapters/redis/redis-url.js";
import { botDefenceModes, type BotDefenceMode } from "@stampede/shared/api/bot-defence";
import {
  connectionsPerIpMaxDefault,
  listenBacklogDefault,
  holdQueueWaitMaxMs,
  holdsInFlightMax,
  holdsQueuedMax,
  httpIdleTimeoutMsDefault,
  httpKeepAliveTimeoutMs,
  ledgerCallTimeoutMs,
  settlementPoolMax,
  shutdownDrainMsDefault,
} from "@stampede/shared/limits";

/** Secrets with development defaults: printed loudly at start, refused under NODE_ENV=production. */
const devSecrets = {
  ADMIN_PASSWORD: "stampede-dev-admin",
  MOCKPAY_WEBHOOK_SECRET: "whsec_stampede_dev_only",
  SECRET_KEY: "stampede-dev-secret-key-do-not-use-in-production",
} as const;
type DevSecret = keyof typeof devSecrets;
/** The shop's key for a separate MockPay process: needed only when there is one (MOCKPAY_URL), so
 * it is not among the secrets every process must set. The MockPay process refuses it in production. */
export const mockpayApiKeyDefault = "sk_stampede_dev_only_mockpay";

/** Where order emails are written as .eml files when no SMTP_URL is set (development): the repo's var/mail. */
const mailDirDefault = fileURLToPath(new URL("../../var/mail", import.meta.url));
const mailFromDefault = "Stampede <tickets@stampede.invalid>";

/** The repository's recorded benchmark runs (bench/results), found from this package like main.ts finds client/dist. */
const benchResultsDirDefault = fileURLToPath(new URL("../../bench/results", import.meta.url));

const rate = z.coerce.number().min(0).max(1).default(0);
const flag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.url().default("postgres://postgres@127.0.0.1:5432/stampede"),
  // redis://… (one server) or redis+cluster://host:port,… (a Redis Cluster's seed nodes): see redis-url.ts.
  REDIS_URL: z
    .string()
    .default("redis://127.0.0.1:6379")
    .superRefine((url, ctx) => {
      const problem = redisUrlProblem(url);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    }),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/, "letters, digits, _ . - only")
    .default("stampede"),
  LEDGER: z.enum(["postgres", "tigerbeetle"]).default("postgres"),
  TB_ADDRESS: z.string().optional(),
  TB_CLUSTER_ID: z.coerce.bigint().default(0n),
  LEDGER_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(ledgerCallTimeoutMs),
  ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/)
    .default("admin"),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  MOCKPAY_WEBHOOK_SECRET: z.string().min(16).optional(),
  SECRET_KEY: z.string().min(32).optional(),
  // The bot defence's challenge key; unset: derived from SECRET_KEY (whose development default production refuses).
  CHALLENGE_HMAC_KEY: z.string().min(32).optional(),
  // The bot defence of events whose admin has not set one (load tests from one box turn it off).
  BOT_DEFENCE_DEFAULT_MODE: z.enum(botDefenceModes).default("auto"),
  // The Socket.IO adapter between server nodes: Redis streams (with connection-state recovery) or sharded Pub/Sub.
  SOCKET_IO_ADAPTER: z.enum(["streams", "sharded"]).default("streams"),
  MOCKPAY_DUPLICATE_RATE: rate,
  MOCKPAY_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  MOCKPAY_REORDER: flag,
  MOCKPAY_FAIL_RATE: rate,
  // MockPay as its own process (`npm run start:mockpay`): the shop reaches it at MOCKPAY_URL; unset, it runs inside the server.
  MOCKPAY_URL: z.url().optional(),
  MOCKPAY_API_KEY: z.string().min(16).optional(),
  MOCKPAY_PORT: z.coerce.number().int().min(0).max(65_535).default(3100),
  MOCKPAY_PUBLIC_URL: z.url().optional(),
  MOCKPAY_WEBHOOK_URL: z.url().optional(),
  // Stripe Checkout, the second payment provider (chosen per event): its secret API key, the webhook
  // endpoint's signing secrets (comma-separated during a rotation), and where its API is (unset: Stripe's own).
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, "a Stripe secret or restricted key (sk_test_…, sk_live_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9]{8,}(,whsec_[A-Za-z0-9]{8,})*$/, "whsec_… (several comma-separated while rotating)")
    .optional(),
  STRIPE_API_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(shutdownDrainMsDefault),
  IDEMPOTENCY_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  SESSION_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(120),
  JOIN_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1_200),
  // Counted per TCP peer address: behind a proxy that is the proxy (TRUST_PROXY_HOPS cannot apply at TCP level).
  CONNECTIONS_PER_IP_MAX: z.coerce.number().int().min(1).max(1_000_000).default(connectionsPerIpMaxDefault),
  LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(listenBacklogDefault),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(httpIdleTimeoutMsDefault),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(httpKeepAliveTimeoutMs),
  // The checkout's bounded queues and connections (per server process): see limits.ts.
  DB_POOL_MAX: z.coerce.number().int().min(1).max(1_000).default(20),
  SETTLEMENT_POOL_MAX: z.coerce.number().int().min(0).max(1_000).default(settlementPoolMax),
  HOLDS_IN_FLIGHT_MAX: z.coerce.number().int().min(1).max(100_000).default(holdsInFlightMax),
  HOLDS_QUEUED_MAX: z.coerce.number().int().min(0).max(1_000_000).default(holdsQueuedMax),
  HOLD_QUEUE_WAIT_MAX_MS: z.coerce.number().int().min(0).max(600_000).default(holdQueueWaitMaxMs),
  BENCH_RESULTS_DIR: z.string().optional(),
  // Order emails, sent by the workers: over SMTP (smtp:// or smtps://, credentials in the URL), or
  // written as .eml files to MAIL_DIR when SMTP_URL is unset; MAIL_SWEEP_EVERY_MS paces the sweep.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "smtp://… or smtps://…" }).optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  MAIL_DIR: z.string().optional(),
  MAIL_SWEEP_EVERY_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  // `npm start` prints the development-defaults banner once itself and sets "off" for its children.
  DEV_DEFAULTS_BANNER: z.enum(["on", "off"]).default("on"),
  // Unset: on, except under NODE_ENV=production (it parses every answer).
  RESPONSE_CHECK: z.enum(["on", "off"]).optional(),
});
type Env = z.infer<typeof envSchema>;

export interface Config {
  env: "development" | "test" | "production";
  host: string;
  port: number;
  publicUrl: string;
  /** Whether PUBLIC_URL was set; if not, a server on port 0 derives it from the port it got. */
  publicUrlConfigured: boolean;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** callTimeoutMs: every ledger call answers within it or fails as unavailable (the hold is refused 503). */
  ledger: ({ kind: "postgres" } | { kind: "tigerbeetle"; address: string; clusterId: bigint }) & {
    callTimeoutMs: number;
  };
  admin: { username: string; password: string };
  mockpay: {
    webhookSecret: string;
    chaos: { duplicateRate: number; delayMs: number; reorder: boolean; failRate: number };
    /** Where the shop reaches MockPay's API when it runs as its own process; null: inside the server. */
    url: string | null;
    /** The shop's key for MockPay's API (Authorization: Bearer). */
    apiKey: string;
    /** The MockPay process: its port, the URL fans reach its pages at, and where it sends webhooks. */
    port: number;
    publicUrl: string;
    /** Whether MOCKPAY_PUBLIC_URL was set; if not, a MockPay on port 0 derives it from the port it got. */
    publicUrlConfigured: boolean;
    webhookUrl: string;
  };
  /** Stripe Checkout; null when STRIPE_SECRET_KEY is unset (events may then only use MockPay). */
  stripe: StripeConfig | null;
  secretKey: string;
  /** Signs the join's proof-of-work challenges (CHALLENGE_HMAC_KEY); null: a key derived from secretKey. */
  challengeHmacKey: string | null;
  /** The bot defence mode of events without settings of their own (BOT_DEFENCE_DEFAULT_MODE). */
  botDefenceDefaultMode: BotDefenceMode;
  /** SOCKET_IO_ADAPTER: streams (default; keeps connection-state recovery) or sharded (Redis 7 sharded Pub/Sub). */
  socketAdapter: "streams" | "sharded";
  logLevel: Env["LOG_LEVEL"];
  trustProxyHops: number;
  shutdownTimeoutMs: number;
  presenceGraceSeconds: number;
  /** How long a claimed Idempotency-Key stays in progress before a retry may resume it (a crashed request). */
  idempotencyLeaseSeconds: number;
  /** How long a workers process holds a job without renewing its lock (BullMQ lockDuration, also the
   * stalled-job check's interval): a job of a process that died goes to another one after 1–3 of these. */
  jobLockMs: number;
  /** Per-IP limits (bots); a load test from one address raises them. Per-fan limits are fixed in limits.ts. */
  limits: { sessionsPerIpPerMinute: number; joinsPerIpPerMinute: number };
  /** Open connections per TCP peer address (more are dropped at once) and the idle timeout. The
   * peer is the proxy when there is one: X-Forwarded-For is not known at TCP level. The listen
   * backlog: connections the kernel queues until the process accepts them. */
  connections: { perIpMax: number; idleTimeoutMs: number; keepAliveTimeoutMs: number; listenBacklog: number };
  /** Database connections (the shared pool; settlement's own, 0 = settlement shares the pool) and
   * the hold requests worked on and waiting per process (past both: 503 overloaded). */
  checkout: {
    poolMax: number;
    settlementPoolMax: number;
    holdsInFlightMax: number;
    holdsQueuedMax: number;
    holdQueueWaitMaxMs: number;
  };
  mail: MailConfig;
  /** Where GET /api/bench/results reads recorded runs; null (BENCH_RESULTS_DIR="") turns those routes off. */
  benchResultsDir: string | null;
  /** Secrets that fell back to their development default (printed loudly at start). */
  devDefaultsUsed: DevSecret[];
  /** Whether this process prints the banner (`npm start` prints it once for its children). */
  devDefaultsBanner: boolean;
  /** Whether each JSON answer is parsed with its route's declared schema, mismatches logged and
   * counted (http/response-check.ts): RESPONSE_CHECK, else on unless NODE_ENV=production. */
  responseCheck: boolean;
}

export interface StripeConfig {
  secretKey: string;
  /** Every secret a delivery may be signed with (the old and the new one while rotating). */
  webhookSecrets: string[];
  /** Where the Stripe API is: null for Stripe itself; a local stand-in in the tests. */
  apiUrl: string | null;
}

/** Order emails (the workers' order-emails sweep). */
export interface MailConfig {
  /** Where to send: null writes each message as an .eml file to `dir` instead (development). */
  smtpUrl: string | null;
  /** The From header (MAIL_FROM). */
  from: string;
  fromConfigured: boolean;
  dir: string;
  /** How often the sweep looks for orders owing a message; also the first retry's delay. */
  sweepEveryMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Parses the whole environment at once and lists every bad variable, not just the first. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(env);
  const devDefaultsUsed = (Object.keys(devSecrets) as DevSecret[]).filter((k) => e[k] === undefined);
  const problems = crossChecks(e, devDefaultsUsed);
  if (problems.length > 0) throw new ConfigError(problems);
  return assembleConfig(e, env, devDefaultsUsed);
}

/** Every variable checked on its own; unset and empty ones take their defaults. */
function parseEnv(env: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}

/** What no variable shows alone: development secrets in production, a ledger without its address. */
function crossChecks(e: Env, devDefaultsUsed: DevSecret[]): string[] {
  const problems: string[] = [];
  if (e.NODE_ENV === "production") {
    for (const k of devDefaultsUsed) problems.push(`${k}: must be set when NODE_ENV=production`);
    for (const k of Object.keys(devSecrets) as DevSecret[]) {
      if (e[k] === devSecrets[k]) problems.push(`${k}: the development default is refused when NODE_ENV=production`);
    }
  }
  if (
    e.NODE_ENV === "production" &&
    e.MOCKPAY_URL &&
    (e.MOCKPAY_API_KEY ?? mockpayApiKeyDefault) === mockpayApiKeyDefault
  ) {
    problems.push(
      "MOCKPAY_API_KEY: must be set (not the development default) when NODE_ENV=production and MOCKPAY_URL is set",
    );
  }
  if (e.LEDGER === "tigerbeetle" && !e.TB_ADDRESS) problems.push("TB_ADDRESS: required when LEDGER=tigerbeetle");
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET)
    problems.push("STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (payments would never be settled)");
  if (e.STRIPE_WEBHOOK_SECRET && !e.STRIPE_SECRET_KEY)
    problems.push("STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET");
  return problems;
}

/** The checked variables as the processes read them: defaults filled in, URLs without a trailing slash. */
function assembleConfig(e: Env, env: Record<string, string | undefined>, devDefaultsUsed: DevSecret[]): Config {
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, "");
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    publicUrlConfigured: e.PUBLIC_URL !== undefined,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    ledger: {
      ...(e.LEDGER === "tigerbeetle"
        ? { kind: "tigerbeetle", address: e.TB_ADDRESS ?? "", clusterId: e.TB_CLUSTER_ID }
        : { kind: "postgres" }),
      callTimeoutMs: e.LEDGER_CALL_TIMEOUT_MS,
    },
    admin: { username: e.ADMIN_USER, password: e.ADMIN_PASSWORD ?? devSecrets.ADMIN_PASSWORD },
    mockpay: mockpayConfig(e, publicUrl),
    stripe: e.STRIPE_SECRET_KEY
      ? {
          secretKey: e.STRIPE_SECRET_KEY,
          webhookSecrets: (e.STRIPE_WEBHOOK_SECRET ?? "").split(","),
          apiUrl: e.STRIPE_API_URL?.replace(/\/$/, "") ?? null,
        }
      : null,
    secretKey: e.SECRET_KEY ?? devSecrets.SECRET_KEY,
    challengeHmacKey: e.CHALLENGE_HMAC_KEY ?? null,
    botDefenceDefaultMode: e.BOT_DEFENCE_DEFAULT_MODE,
    socketAdapter: e.SOCKET_IO_ADAPTER,
    logLevel: e.LOG_LEVEL,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    presenceGraceSeconds: e.PRESENCE_GRACE_SECONDS,
    idempotencyLeaseSeconds: e.IDEMPOTENCY_LEASE_SECONDS,
    jobLockMs: e.JOB_LOCK_MS,
    limits: {
      sessionsPerIpPerMinute: e.SESSION_LIMIT_PER_IP_PER_MINUTE,
      joinsPerIpPerMinute: e.JOIN_LIMIT_PER_IP_PER_MINUTE,
    },
    connections: {
      perIpMax: e.CONNECTIONS_PER_IP_MAX,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      listenBacklog: e.LISTEN_BACKLOG,
    },
    checkout: {
      poolMax: e.DB_POOL_MAX,
      settlementPoolMax: e.SETTLEMENT_POOL_MAX,
      holdsInFlightMax: e.HOLDS_IN_FLIGHT_MAX,
      holdsQueuedMax: e.HOLDS_QUEUED_MAX,
      holdQueueWaitMaxMs: e.HOLD_QUEUE_WAIT_MAX_MS,
    },
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM ?? mailFromDefault,
      fromConfigured: e.MAIL_FROM !== undefined,
      dir: path.resolve(e.MAIL_DIR ?? mailDirDefault),
      sweepEveryMs: e.MAIL_SWEEP_EVERY_MS,
    },
    // Empty strings are dropped by parseEnv as "unset"; for this one, set-but-empty means "off".
    benchResultsDir: env.BENCH_RESULTS_DIR === "" ? null : path.resolve(e.BENCH_RESULTS_DIR ?? benchResultsDirDefault),
    devDefaultsUsed,
    devDefaultsBanner: e.DEV_DEFAULTS_BANNER === "on",
    responseCheck: (e.RESPONSE_CHECK ?? (e.NODE_ENV === "production" ? "off" : "on")) === "on",
  };
}

/** MockPay's settings: its chaos, where the shop reaches it, and its own process's port and URLs. */
function mockpayConfig(e: Env, publicUrl: string): Config["mockpay"] {
  return {
    webhookSecret: e.MOCKPAY_WEBHOOK_SECRET ?? devSecrets.MOCKPAY_WEBHOOK_SECRET,
    chaos: {
      duplicateRate: e.MOCKPAY_DUPLICATE_RATE,
      delayMs: e.MOCKPAY_DELAY_MS,
      reorder: e.MOCKPAY_REORDER,
      failRate: e.MOCKPAY_FAIL_RATE,
    },
    url: e.MOCKPAY_URL?.replace(/\/$/, "") ?? null,
    apiKey: e.MOCKPAY_API_KEY ?? mockpayApiKeyDefault,
    port: e.MOCKPAY_PORT,
    publicUrl: (e.MOCKPAY_PUBLIC_URL ?? `http://${e.HOST}:${e.MOCKPAY_PORT}`).replace(/\/$/, ""),
    publicUrlConfigured: e.MOCKPAY_PUBLIC_URL !== undefined,
    webhookUrl: e.MOCKPAY_WEBHOOK_URL ?? `${publicUrl}/api/payments/webhook`,
  };
}

/** What the process that sends order emails (the workers) refuses to start with. Only there: a
 * server never sends mail, so it need not know SMTP. In production a missing SMTP_URL would
 * write every fan's tickets to files on the box and mark them sent, so it is an error, not a warning. */
export function mailProblems(config: Config): string[] {
  if (config.env !== "production") return [];
  const problems: string[] = [];
  if (!config.mail.smtpUrl)
    problems.push("SMTP_URL: required when NODE_ENV=production (order emails carry the tickets)");
  if (!config.mail.fromConfigured) problems.push("MAIL_FROM: required when NODE_ENV=production");
  return problems;
}

/** The loud banner printed at start when development secrets are in use. */
export function devDefaultsBanner(config: Config): string | null {
  if (config.devDefaultsUsed.length === 0 || !config.devDefaultsBanner) return null;
  const lines = config.devDefaultsUsed.map((k) =>
    k === "ADMIN_PASSWORD"
      ? `  ${k} = ${config.admin.password}   (admin user: ${config.admin.username})`
      : `  ${k} = <development default>`,
  );
  const bar = "!".repeat(78);
  return [
    bar,
    "!! DEVELOPMENT DEFAULTS IN USE — set these in the environment for anything real:",
    ...lines,
    "!! NODE_ENV=production refuses to start with them.",
    bar,
  ].join("\n");
}
