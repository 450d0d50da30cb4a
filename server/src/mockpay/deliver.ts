// One delivery attempt of one webhook event: read the event from the outbox, sign it afresh, POST
// it to the session's webhook URL, record the attempt. Only a 2xx counts; anything else (status,
// redirect, timeout, network error, a chaos drop) is a failure the queue retries. At least once:
// the shop must dedupe by event id, and will see duplicates.
import { assert } from "@stampede/shared/assert";
import { webhookDeliveryConcurrency, webhookDeliveryTimeoutMs } from "@stampede/shared/limits";
import { HttpPoster } from "../adapters/http-post.js";
import { pgBatched } from "../adapters/postgres/batched.js";
import type { Pool } from "../adapters/postgres/pool.js";
import { signWebhook, webhookBody, webhookSignatureHeader } from "../payments/webhook.js";
import { dropAttempt } from "./chaos.js";
import type { MockPayJobData } from "./queue.js";
import { deliveryTargets, recordAttempts, type Attempt, type DeliveryTarget } from "./store.js";

export interface DeliverDeps {
  pool: Pool;
  webhookSecret: string;
  random?: () => number;
  nowSeconds?: () => number;
}

export type DeliveryOutcome =
  | { kind: "delivered"; status: number }
  | { kind: "failed"; error: string }
  | { kind: "dropped" }
  /** Another job of the event got the shop's acknowledgement first: nothing sent (a chaos copy is always sent). */
  | { kind: "already_delivered" }
  /** The event row is gone (database reset): nothing to send, and retrying will not bring it back. */
  | { kind: "unknown_event" };

/** Delivery's connections, kept alive across deliveries to the same shop. */
const poster = new HttpPoster({ connectionsMax: webhookDeliveryConcurrency });

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return code && !err.message.includes(code) ? `${err.name}: ${err.message} (${code})` : `${err.name}: ${err.message}`;
}

async function post(url: string, body: string, signature: string): Promise<{ status: number } | { error: string }> {
  const headers = {
    "content-type": "application/json",
    "user-agent": "MockPay-Webhooks/1",
    [webhookSignatureHeader]: signature,
  };
  try {
    return { status: (await poster.post(url, body, headers, webhookDeliveryTimeoutMs)).status };
  } catch (err) {
    return { error: describeNetworkError(err) };
  }
}

interface Outbox {
  target: (eventId: string) => Promise<DeliveryTarget | null>;
  record: (attempt: Attempt) => Promise<void>;
}

/** Per pool: the outbox reads and attempt records of concurrent deliveries, as one statement each. */
const outboxes = new WeakMap<Pool, Outbox>();

function outboxOf(pool: Pool): Outbox {
  let outbox = outboxes.get(pool);
  if (!outbox) {
    const record = pgBatched(async (attempts: Attempt[]) => {
      await recordAttempts(pool, attempts);
      return attempts.map(() => undefined);
    });
    outbox = { target: pgBatched((ids: string[]) => deliveryTargets(pool, ids)), record };
    outboxes.set(pool, outbox);
  }
  return outbox;
}

export async function deliverWebhook(
  deps: DeliverDeps,
  job: MockPayJobData,
  attempt: { isLast: boolean; chaosCopy?: boolean },
): Promise<DeliveryOutcome> {
  assert(deps.webhookSecret.length > 0, "the webhook secret is not configured for delivery");
  const random = deps.random ?? Math.random;
  const outbox = outboxOf(deps.pool);
  const target = await outbox.target(job.eventId);
  if (!target) return { kind: "unknown_event" };
  if (target.delivered && !attempt.chaosCopy) return { kind: "already_delivered" };
  if (dropAttempt(job.chaosFailRate, attempt.isLast, random)) {
    await outbox.record({ eventId: job.eventId, error: "chaos: attempt dropped before sending" });
    return { kind: "dropped" };
  }
  const body = webhookBody(target.event);
  const nowSeconds = deps.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  const answer = await post(target.webhookUrl, body, signWebhook(deps.webhookSecret, body, nowSeconds));
  if ("status" in answer && answer.status >= 200 && answer.status < 300) {
    await outbox.record({ eventId: job.eventId, error: null });
    return { kind: "delivered", status: answer.status };
  }
  const error = "status" in answer ? `HTTP ${answer.status}` : answer.error;
  await outbox.record({ eventId: job.eventId, error });
  return { kind: "failed", error };
}
