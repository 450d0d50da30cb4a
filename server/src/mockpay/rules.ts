// MockPay's session rules, pure: how a completion request meets a session's state, the redirect
// back to the shop, and the ids (sessions, events, refunds, payouts) (prefixed like a real provider's, without ':' so they can be
// BullMQ job ids).
import { randomBytes } from "node:crypto";
import { uuidv7 } from "@stampede/shared/ids";
import type { WebhookEventType } from "../payments/webhook.js";

export const sessionStatuses = ["open", "succeeded", "failed", "canceled"] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

export const completionOutcomes = ["succeeded", "failed", "canceled"] as const;
export type CompletionOutcome = (typeof completionOutcomes)[number];

export type CompletionDecision =
  | { kind: "complete" }
  | { kind: "already_completed" }
  | { kind: "conflict"; status: Exclude<SessionStatus, "open"> }
  | { kind: "expired" };

/**
 * Repeating the outcome a session already has is a no-op success (a double click, a retried call);
 * another outcome on a completed session is a conflict; an open session past its expiry can no
 * longer complete. The shop's hold plays no part: the provider knows nothing of it.
 */
export function decideCompletion(
  session: { status: SessionStatus; expired: boolean },
  outcome: CompletionOutcome,
): CompletionDecision {
  if (session.status === outcome) return { kind: "already_completed" };
  if (session.status !== "open") return { kind: "conflict", status: session.status };
  if (session.expired) return { kind: "expired" };
  return { kind: "complete" };
}

export function eventTypeFor(outcome: CompletionOutcome): WebhookEventType {
  return `payment.${outcome}`;
}

/** The shop's return URL with `session` and `outcome` added (existing query parameters kept). */
export function redirectUrlFor(returnUrl: string, sessionId: string, outcome: CompletionOutcome): string {
  const url = new URL(returnUrl);
  url.searchParams.set("session", sessionId);
  url.searchParams.set("outcome", outcome);
  return url.toString();
}

/** Session ids are bearer capabilities (whoever has the link can pay): 128 random bits. */
export function newSessionId(): string {
  return `ps_${randomBytes(16).toString("hex")}`;
}

/** Event and refund ids are time-ordered, so the outbox reads in creation order. */
export function newEventId(): string {
  return `evt_${uuidv7().replaceAll("-", "")}`;
}

export function newRefundId(): string {
  return `re_${uuidv7().replaceAll("-", "")}`;
}

export function newPayoutId(): string {
  return `po_${uuidv7().replaceAll("-", "")}`;
}
