// MockPay's behaviour behind its HTTP routes and the PaymentProvider port. Every state change and
// the webhook event reporting it commit in one transaction (the events table is the outbox); the
// delivery job is enqueued after the commit. If that enqueue fails, the caller gets an error and a
// repeat of the same call re-drives delivery, as does redeliverUndelivered().
import { assert, AssertionError } from "@stampede/shared/assert";
import { assertSessionInput } from "@stampede/shared/core/payment-providers";
import { withDeadline } from "@stampede/shared/deadline";
import { webhookEnqueueTimeoutMs } from "@stampede/shared/limits";
import { firstIndexByKey } from "../adapters/batching/coalesce.js";
import { pgBatched } from "../adapters/postgres/batched.js";
import { inTransaction, type Pool } from "../adapters/postgres/pool.js";
import type { Logger } from "../logger.js";
import type {
  CreateSessionInput,
  PaymentProvider,
  PaymentSession,
  PayoutInput,
  RefundInput,
  RefundOutcome,
} from "@stampede/shared/ports/payment-provider";
import type { WebhookEvent, WebhookEventType } from "../payments/webhook.js";
import type { ChaosSettings } from "./chaos.js";
import { enqueueNewEvent, enqueueRedelivery, relayUndelivered, type MockPayQueue } from "./queue.js";
import {
  decideCompletion,
  eventTypeFor,
  newEventId,
  newPayoutId,
  newRefundId,
  newSessionId,
  redirectUrlFor,
  type CompletionOutcome,
  type SessionStatus,
} from "./rules.js";
import * as store from "./store.js";

/** The shape newSessionId() gives. Anything else is no session of ours, answered without a query
 * (PostgreSQL would refuse some strings outright, a NUL character for one). */
export const sessionIdPattern = /^ps_[0-9a-f]{32}$/;

export function isSessionId(value: string): boolean {
  return sessionIdPattern.test(value);
}

/** What MockPay asserts of a payout request (its HTTP API validates the same with zod first). */
function assertPayoutInput(input: PayoutInput): void {
  assert(input.payoutKey.length > 0 && input.payoutKey.length <= 128, "payoutKey must be 1..128 characters");
  assert(Number.isSafeInteger(input.amountCents) && input.amountCents > 0, "amountCents must be a whole number > 0");
  assert(/^[A-Z]{3}$/.test(input.currency), `currency must be ISO 4217 upper case, got ${input.currency}`);
  assert(input.recipient.length > 0 && input.recipient.length <= 128, "recipient must be 1..128 characters");
  assert(input.description.length <= 500, "description must be at most 500 characters");
}

export interface MockPayServiceDeps {
  pool: Pool;
  queue: MockPayQueue;
  publicUrl: () => string;
  webhookUrl: () => string;
  chaos: ChaosSettings;
  logger: Logger;
  random: () => number;
}

export interface SessionView {
  sessionId: string;
  orderId: string;
  /** `expired`: still open but past its expiry, so it can no longer complete. */
  status: SessionStatus | "expired";
  amountCents: number;
  currency: string;
  description: string;
  returnUrl: string;
  paymentUrl: string;
  createdAt: string;
  expiresAt: string;
  /** The shop's deadline (its hold's end), if it gave one: the page counts down to it. */
  payBy: string | null;
  completedAt: string | null;
  /** The session's refund, if any: in full unless amountCents is less than the session's. */
  refund: { refundId: string; amountCents: number; createdAt: string } | null;
}

export type CompleteOutcome =
  | { kind: "completed"; redirectUrl: string }
  | { kind: "already_completed"; redirectUrl: string }
  | { kind: "not_found" }
  | { kind: "conflict"; status: Exclude<SessionStatus, "open"> }
  | { kind: "expired" };

/** The enqueue after a commit failed: the change is recorded, its webhook not yet queued; repeating the call is safe. */
export class WebhookQueueError extends Error {
  override name = "WebhookQueueError";
}

/** What to enqueue once the transaction has committed. */
type AfterCommit = { newEvent: string } | { redeliver: string } | null;

/** The event of a session's change: its amount is the session's, or for a refund the amount refunded. */
function buildEvent(s: store.SessionRow, type: WebhookEventType, amountCents = s.amountCents): WebhookEvent {
  return {
    id: newEventId(),
    type,
    created: Math.floor(Date.now() / 1000),
    data: { sessionId: s.id, orderId: s.orderId, amountCents, currency: s.currency },
  };
}

function afterExisting(event: store.EventState | null): AfterCommit {
  assert(event, "a completed or refunded session has its event row (written in the same transaction)");
  return event.delivered ? null : { redeliver: event.id };
}

export class MockPayService implements PaymentProvider {
  constructor(private readonly deps: MockPayServiceDeps) {}

  /** Concurrent checkouts' sessions go in as one statement. */
  private readonly insertSession = pgBatched((sessions: store.NewSession[]) =>
    store.insertOrGetSessions(this.deps.pool, sessions),
  );
  /** Concurrent completions of open sessions commit together (completeTogether). */
  private readonly completeOpen = pgBatched((items: store.Completion[]) => this.completeTogether(items));

  paymentUrl(sessionId: string): string {
    return `${this.deps.publicUrl().replace(/\/$/, "")}/mockpay/checkout/${sessionId}`;
  }

  async createSession(input: CreateSessionInput): Promise<PaymentSession> {
    const session = await this.openSession(input);
    // A changed price for the same order is a bug in the caller, not an outcome (the port's contract).
    if ("conflict" in session) throw new AssertionError(session.conflict);
    return session;
  }

  /** createSession, with a repeat for another amount or currency answered as a conflict (the
   * HTTP API's 409) rather than asserted: over HTTP it is the caller's bad input. */
  async openSession(input: CreateSessionInput): Promise<PaymentSession | { conflict: string }> {
    assertSessionInput(input);
    const session = await this.insertSession({
      id: newSessionId(),
      orderId: input.orderId,
      amountCents: input.amountCents,
      currency: input.currency,
      description: input.description,
      returnUrl: input.returnUrl,
      webhookUrl: this.deps.webhookUrl(),
      payBy: input.payBy === undefined ? null : new Date(input.payBy),
    });
    if (session.amountCents !== input.amountCents || session.currency !== input.currency) {
      const asked = `${input.amountCents} ${input.currency}`;
      return {
        conflict: `order ${input.orderId} already has a session for ${session.amountCents} ${session.currency}, not ${asked}`,
      };
    }
    return { sessionId: session.id, paymentUrl: this.paymentUrl(session.id) };
  }

  async getSession(sessionId: string): Promise<SessionView | null> {
    if (!isSessionId(sessionId)) return null;
    const s = await store.sessionById(this.deps.pool, sessionId);
    if (!s) return null;
    const refund = s.status === "succeeded" ? await store.refundOf(this.deps.pool, s.id) : null;
    return {
      sessionId: s.id,
      orderId: s.orderId,
      status: s.status === "open" && s.expired ? "expired" : s.status,
      amountCents: s.amountCents,
      currency: s.currency,
      description: s.description,
      returnUrl: s.returnUrl,
      paymentUrl: this.paymentUrl(s.id),
      createdAt: s.createdAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      payBy: s.payBy?.toISOString() ?? null,
      completedAt: s.completedAt?.toISOString() ?? null,
      refund: refund
        ? { refundId: refund.id, amountCents: refund.amountCents, createdAt: refund.createdAt.toISOString() }
        : null,
    };
  }

  /** Pay / decline / cancel. Idempotent per (session, outcome); throws WebhookQueueError if the webhook could not be queued. */
  async complete(sessionId: string, outcome: CompletionOutcome): Promise<CompleteOutcome> {
    if (!isSessionId(sessionId)) return { kind: "not_found" };
    const completed = await this.completeOpen({ sessionId, outcome });
    if (completed) {
      await this.dispatch({ newEvent: completed.eventId });
      return { kind: "completed", redirectUrl: redirectUrlFor(completed.returnUrl, sessionId, outcome) };
    }
    return this.completeAlone(sessionId, outcome);
  }

  /**
   * The common completion — an open session paid, declined or cancelled — for many sessions in
   * one transaction: the sessions and their events each in one statement. A session that is not
   * open (already completed, expired, unknown) or comes twice in the batch answers null, and
   * completeAlone gives it its exact answer.
   */
  private async completeTogether(
    items: store.Completion[],
  ): Promise<Array<{ eventId: string; returnUrl: string } | null>> {
    const first = firstIndexByKey(items, (item) => item.sessionId);
    const done = await inTransaction(this.deps.pool, async (db) => {
      const sessions = await store.completeOpenSessions(
        db,
        [...first.values()].map((i) => items[i]!),
      );
      const events = sessions.map((s) => buildEvent(s, eventTypeFor(s.status as CompletionOutcome)));
      if (events.length > 0) await store.insertEvents(db, events);
      const completed = sessions.map((s, i) => ({
        eventId: events[i]!.id,
        returnUrl: s.returnUrl,
        orderId: s.orderId,
        outcome: s.status,
      }));
      return new Map(sessions.map((s, i) => [s.id, completed[i]!]));
    });
    for (const [sessionId, { returnUrl: _, ...d }] of done)
      this.deps.logger.info({ sessionId, ...d }, "mockpay session completed");
    return items.map((item, i) => (first.get(item.sessionId) === i ? (done.get(item.sessionId) ?? null) : null));
  }

  /** One completion in its own transaction, with every answer (already completed, conflict, expired, not found). */
  private async completeAlone(sessionId: string, outcome: CompletionOutcome): Promise<CompleteOutcome> {
    const type = eventTypeFor(outcome);
    const result = await inTransaction(this.deps.pool, async (db) => {
      const s = await store.sessionById(db, sessionId, { forUpdate: true });
      if (!s) return { outcome: { kind: "not_found" } as const, after: null };
      const decision = decideCompletion(s, outcome);
      const redirectUrl = redirectUrlFor(s.returnUrl, s.id, outcome);
      switch (decision.kind) {
        case "complete": {
          const event = buildEvent(s, type);
          await store.markCompleted(db, s.id, outcome);
          await store.insertEvent(db, event);
          this.deps.logger.info(
            { sessionId: s.id, orderId: s.orderId, outcome, eventId: event.id },
            "mockpay session completed",
          );
          return { outcome: { kind: "completed", redirectUrl } as const, after: { newEvent: event.id } };
        }
        case "already_completed":
          return {
            outcome: { kind: "already_completed", redirectUrl } as const,
            after: afterExisting(await store.eventOf(db, s.id, type)),
          };
        case "conflict":
        case "expired":
          return { outcome: decision, after: null };
      }
    });
    await this.dispatch(result.after);
    return result.outcome;
  }

  async refund(input: RefundInput): Promise<RefundOutcome> {
    const outcome = await this.refundSession(input);
    // An amount outside 1..captured is a bug in the caller, not an outcome (the port's contract).
    if ("invalid" in outcome) throw new AssertionError(outcome.invalid);
    return outcome;
  }

  /** refund, with an amount outside 1..captured answered as invalid (the HTTP API's 422) rather than
   * asserted: over HTTP it is the caller's bad input. The first refund decides the amount. */
  async refundSession(input: RefundInput): Promise<RefundOutcome | { invalid: string }> {
    const asked = input.amountCents;
    if (asked !== undefined && !(Number.isSafeInteger(asked) && asked >= 1))
      return { invalid: `amountCents must be a whole number ≥ 1, got ${asked}` };
    if (!isSessionId(input.sessionId)) return { kind: "not_refundable", reason: "unknown_session" };
    const result = await inTransaction(
      this.deps.pool,
      async (db): Promise<{ outcome: RefundOutcome | { invalid: string }; after: AfterCommit }> => {
        const s = await store.sessionById(db, input.sessionId, { forUpdate: true });
        if (!s) return { outcome: { kind: "not_refundable", reason: "unknown_session" }, after: null };
        if (s.status !== "succeeded")
          return { outcome: { kind: "not_refundable", reason: "not_succeeded" }, after: null };
        if (asked !== undefined && asked > s.amountCents)
          return {
            outcome: { invalid: `amountCents ${asked} is more than the ${s.amountCents} captured` },
            after: null,
          };
        const existing = await store.refundOf(db, s.id);
        if (existing)
          return {
            outcome: { kind: "refunded", refundId: existing.id },
            after: afterExisting(await store.eventOf(db, s.id, "refund.succeeded")),
          };
        const amountCents = asked ?? s.amountCents;
        const refundId = newRefundId();
        const event = buildEvent(s, "refund.succeeded", amountCents);
        await store.insertRefund(db, { id: refundId, sessionId: s.id, amountCents, reason: input.reason });
        await store.insertEvent(db, event);
        this.deps.logger.info(
          { sessionId: s.id, orderId: s.orderId, refundId, amountCents, eventId: event.id, reason: input.reason },
          "mockpay refund",
        );
        return { outcome: { kind: "refunded", refundId }, after: { newEvent: event.id } };
      },
    );
    await this.dispatch(result.after);
    return result.outcome;
  }

  async payout(input: PayoutInput): Promise<{ payoutId: string }> {
    const payout = await this.makePayout(input);
    // A changed amount for the same key is a bug in the caller, not an outcome (the port's contract).
    if ("conflict" in payout) throw new AssertionError(payout.conflict);
    return payout;
  }

  /** payout, with a repeat for another amount or currency answered as a conflict (the HTTP API's
   * 409) rather than asserted. Paid at once: MockPay's payouts never fail and send no webhook. */
  async makePayout(input: PayoutInput): Promise<{ payoutId: string } | { conflict: string }> {
    assertPayoutInput(input);
    const payout = await store.insertOrGetPayout(this.deps.pool, { id: newPayoutId(), ...input });
    if (payout.amountCents !== input.amountCents || payout.currency !== input.currency) {
      const asked = `${input.amountCents} ${input.currency}`;
      return {
        conflict: `payout ${input.payoutKey} was already made for ${payout.amountCents} ${payout.currency}, not ${asked}`,
      };
    }
    this.deps.logger.info(
      { payoutId: payout.id, payoutKey: input.payoutKey, amountCents: payout.amountCents, currency: payout.currency },
      "mockpay payout",
    );
    return { payoutId: payout.id };
  }

  /** The outbox relay (see relayUndelivered); the workers run it on a schedule, tests and tools call it here. */
  async redeliverUndelivered(minAgeSeconds: number): Promise<number> {
    return relayUndelivered(this.deps.pool, this.deps.queue, {
      minAgeSeconds,
      chaosFailRate: this.deps.chaos.failRate,
      timeoutMs: webhookEnqueueTimeoutMs,
    });
  }

  private async dispatch(after: AfterCommit): Promise<void> {
    if (!after) return;
    const enqueue =
      "newEvent" in after
        ? enqueueNewEvent(this.deps.queue, after.newEvent, this.deps.chaos, this.deps.random)
        : enqueueRedelivery(this.deps.queue, after.redeliver, this.deps.chaos.failRate);
    try {
      // A late enqueue that lands after the deadline is harmless: job ids dedupe, duplicates are allowed.
      await withDeadline(enqueue, webhookEnqueueTimeoutMs, "queueing the webhook");
    } catch (err) {
      const eventId = "newEvent" in after ? after.newEvent : after.redeliver;
      this.deps.logger.warn(
        { err, eventId },
        "mockpay webhook not queued; a repeat of the call or the relay will queue it",
      );
      throw new WebhookQueueError(`webhook ${eventId} is recorded but not queued`, { cause: err });
    }
  }
}
