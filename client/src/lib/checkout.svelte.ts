// The hold form of an admitted fan: pick tiers and quantities within each tier's perOrderMax,
// what is left, and what the fan has left of the event's perFanMax (tickets they already hold or
// bought count; see fan-orders.svelte.ts); give an email, and a presale or promo code (one is needed
// while the event's presale is on); place the hold.
// `POST /api/events/:eventId/holds` carries the fan token (Bearer) and an Idempotency-Key made
// once per attempt: a retry of the same choice after no answer (network, timeout, 5xx) or after
// `request_in_progress` (that attempt is still at work) reuses it, so a double click or a flaky
// network never places two holds; a changed choice, or an answer that refused the hold, starts a
// new attempt. On 201 the order's private link is kept in
// sessionStorage and the browser goes to the payment page.
// A 503 `overloaded` (the server's hold queue is full; nothing was done) is tried again by itself
// with the same key after Retry-After plus random jitter, a few times, while the fan keeps their turn.
import type { HoldView } from "@stampede/shared/api/orders";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { plainMessage } from "./api.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import {
  holdOverloadRetriesMax,
  holdRetryAfterDefaultSeconds,
  holdRetryAfterMaxSeconds,
  holdRetryJitterFraction,
} from "./limits.js";
import { maxQuantity } from "./quantity.js";
import { storageKeys, writeJson, type KeyValueStorage } from "./storage.js";
import type { TicketClassView } from "./views.js";

export interface HoldItem {
  classId: string;
  quantity: number;
}

/** `201` of `POST /api/events/:eventId/holds` (contract.md "Checkout"). */
export type { HoldView };

/** What to offer next to the message. */
export type HoldNext = "retry" | "rejoin" | "change" | "reload" | "none";

export interface HoldProblem {
  code: string;
  message: string;
  next: HoldNext;
}

export interface HoldFormDeps {
  api: Pick<Api, "post">;
  eventId: string;
  /** The event's per-fan ticket limit (read on use: a reloaded event shows through). */
  perFanMax: () => number;
  /** Tickets the fan may still hold for this event (the limit minus what they hold or bought); null: not known yet. */
  fanLeft?: () => number | null;
  /** Live tiers (stock pushes included). */
  tiers: () => readonly TicketClassView[];
  admissionToken: () => string | null;
  fanToken: () => string | null;
  /** The event's presale is on: a presale code is needed to hold (lib/presale.svelte.ts). */
  presaleOpen?: () => boolean;
  /** Leaves the app for the payment page (a real page load). */
  goTo: (url: string) => void;
  storage?: KeyValueStorage | null;
  newKey?: () => string;
  /** Waits before an automatic retry; tests drive it. */
  clock?: Clock;
  /** 0 ≤ x < 1, for the retry's jitter; tests pin it. */
  random?: () => number;
}

/** How long to wait before retrying an overloaded hold: Retry-After (bounded) plus 0–50 % jitter. */
export function overloadRetryDelayMs(retryAfterSeconds: number | null, random: number): number {
  const seconds = Math.min(retryAfterSeconds ?? holdRetryAfterDefaultSeconds, holdRetryAfterMaxSeconds);
  return Math.round(seconds * 1_000 * (1 + holdRetryJitterFraction * Math.min(Math.max(random, 0), 1)));
}

/** What the fan reads while the hold waits to be tried again. */
export function overloadRetryWords(delayMs: number): string {
  return `Lots of fans are checking out right now — trying again in ${Math.max(1, Math.ceil(delayMs / 1_000))} s. You keep your turn.`;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class HoldForm {
  /** Tickets wanted per tier id. */
  quantities = $state<Record<string, number>>({});
  email = $state("");
  /** A presale or promo code, as typed. */
  code = $state("");
  submitting = $state(false);
  problem = $state.raw<HoldProblem | null>(null);
  /** Set by the first submit: field errors show from then on, not while the fan is still typing. */
  tried = $state(false);
  /** While an overloaded hold waits to be tried again by itself: what the fan reads. */
  retryNotice = $state<string | null>(null);

  #deps: HoldFormDeps;
  /** The hold being placed: its idempotency key, its body, and that body as sent (a changed one is a new attempt). */
  #attempt: { key: string; body: endpoints.HoldBody; text: string } | null = null;
  #retryTimer: { handle: TimerHandle; resolve: (go: boolean) => void } | null = null;
  #destroyed = false;
  #fanLeft = $state.raw<() => number | null>(() => null);

  /** Tiers a fan can pick now. A tier that runs out drops from the list and from the choice. */
  tiers = $derived.by(() => this.#deps.tiers().filter((t) => t.available > 0));
  items = $derived.by((): HoldItem[] =>
    this.tiers.flatMap((t) => {
      const quantity = this.quantities[t.id] ?? 0;
      return quantity > 0 ? [{ classId: t.id, quantity }] : [];
    }),
  );
  count = $derived(this.items.reduce((sum, i) => sum + i.quantity, 0));
  /** Tickets this fan can pick in this order: what is left of the per-fan limit, or all of it while that is unknown. */
  fanLimit = $derived.by(() => Math.min(this.#deps.perFanMax(), this.#fanLeft() ?? this.#deps.perFanMax()));
  /** Tickets of this event the fan already holds or bought (0 while unknown). */
  alreadyHave = $derived.by(() => Math.max(0, this.#deps.perFanMax() - this.fanLimit));
  total = $derived.by(() => {
    const chosen = this.tiers.filter((t) => (this.quantities[t.id] ?? 0) > 0);
    const currency = chosen[0]?.currency ?? null;
    if (currency === null || chosen.some((t) => t.currency !== currency)) return null;
    return { cents: chosen.reduce((sum, t) => sum + t.priceCents * (this.quantities[t.id] ?? 0), 0), currency };
  });
  emailError = $derived(
    emailPattern.test(this.email.trim())
      ? null
      : "Enter the email address your tickets should go to, like name@example.com.",
  );
  choiceError = $derived.by(() => {
    if (this.count === 0) return "Pick at least one ticket.";
    if (this.count > this.fanLimit) {
      const max = this.#deps.perFanMax();
      return this.alreadyHave === 0
        ? `You can have at most ${max} tickets for this event.`
        : `You can pick at most ${this.fanLimit} more: you already have ${this.alreadyHave} of the ${max} tickets allowed per fan for this event.`;
    }
    const over = this.tiers.find((t) => (this.quantities[t.id] ?? 0) > this.maxFor(t));
    return over ? `Only ${this.maxFor(over)} ${over.name} tickets can be picked now.` : null;
  });
  presaleOpen = $derived.by(() => this.#deps.presaleOpen?.() ?? false);
  codeError = $derived(
    this.presaleOpen && this.code.trim() === ""
      ? "The presale is on: enter the presale code you were sent to buy tickets."
      : null,
  );
  valid = $derived(this.emailError === null && this.choiceError === null && this.codeError === null);

  constructor(deps: HoldFormDeps) {
    this.#deps = deps;
    if (deps.fanLeft) this.#fanLeft = deps.fanLeft;
  }

  /** Where the fan's remaining allowance comes from, when it is known only after the form was made. */
  limitTo(fanLeft: () => number | null): void {
    this.#fanLeft = fanLeft;
  }

  /** The most of this tier the fan can pick, given the other tiers already picked. */
  maxFor(tier: TicketClassView): number {
    const pickedElsewhere = this.count - (this.quantities[tier.id] ?? 0);
    return maxQuantity({
      perOrderMax: tier.perOrderMax,
      available: tier.available,
      fanLeft: this.fanLimit,
      pickedElsewhere,
    });
  }

  setQuantity(classId: string, quantity: number): void {
    const tier = this.tiers.find((t) => t.id === classId);
    if (!tier || !Number.isFinite(quantity)) return;
    this.quantities = { ...this.quantities, [classId]: Math.max(0, Math.min(Math.trunc(quantity), this.maxFor(tier))) };
  }

  /** Places the hold; on success the browser leaves for the payment page. Returns whether it did.
   * An overloaded server is asked again by itself (same key) before this returns. */
  async submit(): Promise<boolean> {
    if (this.submitting) return false;
    this.tried = true;
    if (!this.valid) return false;
    const admissionToken = this.#deps.admissionToken();
    if (admissionToken === null) {
      this.problem = { code: "admission_required", message: holdMessages.admission_required, next: "rejoin" };
      return false;
    }
    const code = this.code.trim();
    const body: endpoints.HoldBody = {
      admissionToken,
      items: this.items,
      email: this.email.trim(),
      ...(code ? { code } : {}),
    };
    const text = JSON.stringify(body);
    if (this.#attempt === null || this.#attempt.text !== text) this.#attempt = { key: this.#newKey(), body, text };
    const attempt = this.#attempt;
    this.submitting = true;
    this.problem = null;
    try {
      for (let retries = 0; ; retries++) {
        const result = await this.#post(attempt);
        if (result.ok) return this.#leaveToPay(result.data);
        if (result.error.code === "overloaded" && retries < holdOverloadRetriesMax) {
          if (await this.#waitToRetry(result.error)) continue;
          return false; // the page went away
        }
        // An answer that refused the hold ends this attempt; no answer (or a 5xx) may have placed it: same key again.
        if (result.error.status >= 400 && result.error.status < 500 && result.error.code !== "request_in_progress")
          this.#attempt = null;
        this.problem = holdProblem(result.error, this.#deps.perFanMax());
        return false;
      }
    } finally {
      this.submitting = false;
      this.retryNotice = null;
    }
  }

  /** Stops a retry that is waiting (the page went away). */
  destroy(): void {
    this.#destroyed = true;
    this.#retryTimer?.resolve(false);
  }

  #post(attempt: { key: string; body: endpoints.HoldBody }) {
    return this.#deps.api.post(endpoints.placeHold(this.#deps.eventId), attempt.body, {
      headers: { Authorization: `Bearer ${this.#deps.fanToken() ?? ""}`, "Idempotency-Key": attempt.key },
    });
  }

  /** Waits Retry-After plus jitter, saying so; false when stopped meanwhile. */
  #waitToRetry(error: ApiError): Promise<boolean> {
    if (this.#destroyed) return Promise.resolve(false);
    const clock = this.#deps.clock ?? systemClock;
    const delayMs = overloadRetryDelayMs(error.retryAfterSeconds, (this.#deps.random ?? Math.random)());
    this.retryNotice = overloadRetryWords(delayMs);
    return new Promise((resolve) => {
      const done = (go: boolean): void => {
        if (this.#retryTimer) clock.clearTimeout(this.#retryTimer.handle);
        this.#retryTimer = null;
        resolve(go);
      };
      this.#retryTimer = { handle: clock.setTimeout(() => done(true), delayMs), resolve: done };
    });
  }

  #leaveToPay(hold: HoldView): boolean {
    const { orderId, orderToken, paymentUrl } = hold;
    writeJson(this.#deps.storage ?? null, storageKeys.order(orderId), { orderId, orderToken });
    writeJson(this.#deps.storage ?? null, storageKeys.lastOrder, { orderId, orderToken, eventId: this.#deps.eventId });
    this.#deps.goTo(paymentUrl);
    return true;
  }

  #newKey(): string {
    return this.#deps.newKey ? this.#deps.newKey() : globalThis.crypto.randomUUID();
  }
}

const holdMessages = {
  admission_required: "Your turn has ended, so these tickets can't be held. Join the queue again to get a new turn.",
  sold_out:
    "Sold out — every ticket has been taken. Tickets held by other fans may come back if they don't pay, so you can keep this page open.",
  insufficient_stock:
    "There aren't enough tickets left for that many. Pick fewer, or another tier, and press Hold tickets again.",
  hold_active:
    "You already have tickets on hold from this turn. Finish paying for them (check your other tabs), or wait for that hold to end.",
  sale_not_open:
    "The sale is paused right now. Keep this page open — you keep your turn while it lasts — and try again when it resumes.",
  invalid_request:
    "Something in your choice wasn't accepted. Check the number of tickets and your email, then try again.",
  ledger_unavailable:
    "Ticketing is busy for a moment. Your choice is kept — press Hold tickets again in a few seconds.",
  unauthorized: "Your session has ended. Reload the page to continue — your place in line is kept.",
  request_in_progress:
    "Your earlier press is still being worked on. Press Hold tickets again in a moment — you won't get two holds.",
  overloaded:
    "Lots of fans are checking out right now, so your tickets aren't held yet. " +
    "Press Hold tickets again in a moment — you keep your turn, and you won't get two holds.",
  code_required: "The presale is on: enter the presale code you were sent, then press Hold tickets again.",
  code_used_up: "That code has already been used as many times as it allows. Check it, or buy without it.",
  network: "We couldn't reach Stampede. Check your connection and press Hold tickets again — you won't get two holds.",
} as const;

/** Plain words for a failed hold, with the next step the page offers. */
export function holdProblem(error: ApiError, perFanMax: number): HoldProblem {
  const code = error.code;
  const is = (c: keyof typeof holdMessages, next: HoldNext): HoldProblem => ({ code, message: holdMessages[c], next });
  switch (code) {
    case "admission_required":
      return is("admission_required", "rejoin");
    case "sold_out":
      return is("sold_out", "none");
    case "insufficient_stock":
      return is("insufficient_stock", "change");
    case "hold_active":
      return is("hold_active", "none");
    case "sale_not_open":
      return is("sale_not_open", "retry");
    case "invalid_request":
    case "invalid_json":
      return is("invalid_request", "change");
    case "fan_limit_reached":
      return {
        code,
        message: `That would take you over the limit of ${perFanMax} tickets per fan for this event (orders you already have count too). Pick fewer tickets.`,
        next: "change",
      };
    case "ledger_unavailable":
    case "not_ready":
      return is("ledger_unavailable", "retry");
    case "request_in_progress":
      return is("request_in_progress", "retry");
    case "overloaded":
      return is("overloaded", "retry");
    case "unauthorized":
      return is("unauthorized", "reload");
    case "code_required":
      return is("code_required", "change");
    case "code_used_up":
      return is("code_used_up", "change");
    case "code_invalid":
      return { code, message: codeRefusalWords(error.details), next: "change" };
    case "network_error":
    case "timeout":
      return is("network", "retry");
    default:
      return {
        code,
        message: plainMessage(error),
        next: error.status === 0 || error.status >= 500 || code === "rate_limited" ? "retry" : "none",
      };
  }
}

const codeRefusals: Record<string, string> = {
  unknown: "We don't know that code. Check it for typing mistakes and try again.",
  other_event: "That code is for another event.",
  outside_window: "That code can't be used at this time.",
  presale_over: "The presale is over, so the presale code isn't needed: clear it and press Hold tickets again.",
  presale_only: "Only presale codes work during the presale. Promo codes can be used once the general sale opens.",
  wrong_tier: "That code is for a ticket tier that isn't in your choice.",
};

/** Why a code was refused (details.reason of code_invalid), in plain words. */
export function codeRefusalWords(details: unknown): string {
  const reason = typeof details === "object" && details !== null ? (details as { reason?: unknown }).reason : undefined;
  return (typeof reason === "string" ? codeRefusals[reason] : undefined) ?? codeRefusals.unknown!;
}
