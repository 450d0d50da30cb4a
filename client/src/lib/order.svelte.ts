// The order page's state: one order read with its private token (or, without one, the fan's own
// auth: a fan's own orders are theirs to read from any tab), kept current while it can still
// change. MockPay sends the fan back with `?outcome=succeeded` before the webhook has landed, so
// a held order with that outcome is "confirming your payment…": the page reads the order every
// second for up to `confirmMs`, and the fan socket's `order:update` (the fan room; any tab, any
// node) triggers a read at once. Paid orders' QR codes are read once each and shown as images.
// I/O is injected (api, session, socket factory, clock, storage), so tests drive all of it.
import type { FanRefundView } from "@stampede/shared/api/refunds";
import type { OrderStatus, OrderUpdate } from "@stampede/shared/protocol";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { countdownTickMs } from "./limits.js";
import type { QueueSocket, SocketFactory } from "./socket.js";
import { readJson, storageKeys, writeJson, type KeyValueStorage } from "./storage.js";
import type { EventView, OrderView } from "./views.js";

export type OrderPhase =
  | "missing_link" // no token in the link or this tab, and not this fan's order
  | "loading"
  | "not_found" // wrong link, or not this order's token
  | "failed" // the server didn't answer; retryable
  | "held" // waiting for payment
  | "confirming" // back from paying: waiting for the provider's word
  | "ending" // back from a declined or cancelled payment: the hold is being released
  | "slow" // confirming took longer than expected
  | "late_payment" // back from paying, but the hold had already ended: the payment books it again or is refunded
  | Exclude<OrderStatus, "held">;

/** The order's token from the link, else from this tab (written by the hold form); a link's token is kept for reloads. */
export function orderToken(orderId: string, fromLink: string | null, storage: KeyValueStorage | null): string | null {
  const stored = readJson(storage, storageKeys.order(orderId)) as { orderToken?: unknown } | null;
  if (fromLink !== null && fromLink !== "") {
    if (stored?.orderToken !== fromLink)
      writeJson(storage, storageKeys.order(orderId), { orderId, orderToken: fromLink });
    return fromLink;
  }
  return typeof stored?.orderToken === "string" && stored.orderToken !== "" ? stored.orderToken : null;
}

export interface OrderTrackerDeps {
  api: Pick<Api, "get" | "post" | "getText">;
  orderId: string;
  /** The link's token (`#token=`, or `?token=` on older links); without one, this tab's stored token (see orderToken). */
  linkToken: string | null;
  storage?: KeyValueStorage | null;
  /** MockPay's `outcome` query parameter, if the fan just came back from paying. */
  outcome: string | null;
  session?: FanSessionPort | null;
  createSocket?: SocketFactory | null;
  clock?: Clock;
  confirmMs?: number;
  pollMs?: number;
}

export class OrderTracker {
  order = $state.raw<OrderView | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** The event, for its name and tier names (absent when it can't be read). */
  event = $state.raw<EventView | null>(null);
  /** Per ticket id, its QR code's image source (qrImageSrc); null: the read failed, show its qrSvgUrl instead. */
  qr = $state.raw<Record<string, string | null>>({});
  nowMs = $state(0);
  cancelling = $state(false);
  cancelProblem = $state<string | null>(null);
  confirmTimedOut = $state(false);

  #deps: OrderTrackerDeps;
  #clock: Clock;
  #socket: QueueSocket | null = null;
  #poll: ReturnType<Clock["setTimeout"]> | null = null;
  #ticker: ReturnType<Clock["setInterval"]> | null = null;
  #pollUntilMs = 0;
  #expiryReadFor: string | null = null;
  #abort = new AbortController();
  #stopped = false;

  outcome: string | null;
  /** The order's private token, from the link or this tab; null: the link is incomplete. */
  token: string | null;
  /** Without an order token: the fan's own token (their orders are theirs to read); null until started. */
  #fanToken = $state<string | null>(null);
  #fanTried = $state(false);
  phase: OrderPhase = $derived.by(() => this.#phase());
  holdRemainingMs = $derived(
    this.order?.status === "held" ? Math.max(0, Date.parse(this.order.expiresAt) - this.nowMs) : null,
  );
  /** Tier code → name, from the event. */
  tierNames: Readonly<Record<string, string>> = $derived(
    Object.fromEntries((this.event?.classes ?? []).map((c) => [c.code, c.name])),
  );
  ticketCount = $derived(this.order?.items.reduce((sum, i) => sum + i.quantity, 0) ?? 0);

  constructor(deps: OrderTrackerDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.outcome = deps.outcome;
    this.token = orderToken(deps.orderId, deps.linkToken, deps.storage ?? null);
    this.#fanTried = this.token !== null || !deps.session;
    this.nowMs = this.#clock.nowMs();
  }

  /** What the order calls carry: the order token, else the fan's own token. */
  get #bearer(): string | null {
    return this.token ?? this.#fanToken;
  }

  async start(): Promise<void> {
    if (this.token === null && this.#deps.session) {
      const started = await this.#deps.session.ensure();
      this.#fanToken = started.ok ? started.data.fanToken : null;
      this.#fanTried = true;
    }
    if (this.#bearer === null || this.#stopped) return;
    this.#ticker = this.#clock.setInterval(() => this.#tick(), countdownTickMs);
    await this.load();
    if (this.#stopped || this.order === null) return;
    void this.#loadEvent();
    void this.#loadRefund();
    // Every status but refunded can still change (a late payment books an expired or cancelled
    // order; a paid one can be refunded): the page follows it live.
    if (this.order.status !== "refunded") void this.#listen();
    if (this.outcome !== null && this.#awaitingPayment()) this.#confirm();
  }

  destroy(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#poll !== null) this.#clock.clearTimeout(this.#poll);
    if (this.#ticker !== null) this.#clock.clearInterval(this.#ticker);
    this.#socket?.disconnect();
    this.#socket = null;
  }

  async load(): Promise<void> {
    const { api, orderId } = this.#deps;
    const token = this.#bearer;
    if (token === null) return;
    const result = await api.get(endpoints.order(orderId), {
      signal: this.#abort.signal,
      headers: { Authorization: `Bearer ${token}` },
    });
    if (this.#stopped) return;
    if (!result.ok) {
      if (this.order === null || result.error.code === "not_found") this.error = result.error;
      return;
    }
    this.error = null;
    this.order = result.data;
    if (!this.#awaitingPayment() && this.#poll !== null) this.#stopPolling();
    void this.#loadQrs(result.data);
  }

  /** "Check again" after confirming took long. */
  checkAgain(): void {
    this.confirmTimedOut = false;
    this.#confirm();
  }

  /** Cancels the held order (stock goes back at once). */
  /** The fan's own refund: whether the event's window allows it now (read once the order is paid). */
  refund = $state.raw<FanRefundView | null>(null);
  refunding = $state(false);
  refundProblem = $state<string | null>(null);

  async #loadRefund(): Promise<void> {
    const token = this.#bearer;
    if (token === null || this.order?.status !== "paid") return;
    const result = await this.#deps.api.get(endpoints.orderRefund(this.#deps.orderId), {
      headers: { Authorization: `Bearer ${token}` },
      signal: this.#abort.signal,
    });
    if (result.ok && !this.#stopped) this.refund = result.data;
  }

  /** Asks for the refund the window allows; the page then shows the order refunded. */
  async requestRefund(): Promise<boolean> {
    const token = this.#bearer;
    if (this.refunding || token === null) return false;
    this.refunding = true;
    this.refundProblem = null;
    const result = await this.#deps.api.post(endpoints.requestRefund(this.#deps.orderId), undefined, {
      headers: { Authorization: `Bearer ${token}` },
    });
    this.refunding = false;
    if (result.ok) {
      this.order = result.data;
      this.refund = null;
      return true;
    }
    this.refundProblem =
      result.error.code === "refund_not_allowed"
        ? "This order can't be refunded any more. The page now shows where it stands."
        : "We couldn't ask for the refund just now. Check your connection and try again.";
    await this.load();
    await this.#loadRefund();
    return false;
  }

  async cancel(): Promise<boolean> {
    const { api, orderId } = this.#deps;
    const token = this.#bearer;
    if (this.cancelling || token === null) return false;
    this.cancelling = true;
    this.cancelProblem = null;
    const result = await api.post(endpoints.cancelOrder(orderId), undefined, {
      headers: { Authorization: `Bearer ${token}` },
    });
    this.cancelling = false;
    if (result.ok) {
      this.order = result.data;
      return true;
    }
    this.cancelProblem =
      result.error.code === "conflict"
        ? "This order can't be cancelled any more — it was paid, or its hold already ended. The page now shows where it stands."
        : "We couldn't cancel the order just now. Check your connection and try again.";
    await this.load();
    return false;
  }

  #phase(): OrderPhase {
    if (this.token === null) {
      if (!this.#fanTried) return "loading";
      if (
        this.#fanToken === null ||
        (this.order === null && this.error !== null && this.error.status < 500 && this.error.status > 0)
      )
        return "missing_link";
    }
    const order = this.order;
    if (order === null) {
      if (this.error === null) return "loading";
      return this.error.code === "not_found" ? "not_found" : "failed";
    }
    if (order.status !== "held") {
      if (this.outcome !== "succeeded" || !endedUnpaid(order.status)) return order.status;
      return this.confirmTimedOut ? "slow" : "late_payment";
    }
    if (this.outcome === "succeeded") return this.confirmTimedOut ? "slow" : "confirming";
    if ((this.outcome === "failed" || this.outcome === "canceled") && !this.confirmTimedOut) return "ending";
    return "held";
  }

  #tick(): void {
    this.nowMs = this.#clock.nowMs();
    // The hold ran out on our clock: read once more so the page says so even without a push.
    const order = this.order;
    if (
      order?.status === "held" &&
      this.nowMs > Date.parse(order.expiresAt) + 2_000 &&
      this.#expiryReadFor !== order.orderId
    ) {
      this.#expiryReadFor = order.orderId;
      void this.load();
    }
  }

  #confirm(): void {
    this.#pollUntilMs = this.#clock.nowMs() + (this.#deps.confirmMs ?? 30_000);
    this.#schedulePoll();
  }

  #schedulePoll(): void {
    if (this.#poll !== null) this.#clock.clearTimeout(this.#poll);
    this.#poll = this.#clock.setTimeout(async () => {
      this.#poll = null;
      await this.load();
      if (this.#stopped || !this.#awaitingPayment()) return;
      if (this.#clock.nowMs() >= this.#pollUntilMs) this.confirmTimedOut = true;
      else this.#schedulePoll();
    }, this.#deps.pollMs ?? 1_000);
  }

  /**
   * Back from paying and the provider's word not in yet: a success ends in paid or refunded (a
   * late payment with no tickets left), anything else once the hold ends.
   */
  #awaitingPayment(): boolean {
    const status = this.order?.status;
    if (status === undefined) return false;
    return this.outcome === "succeeded" ? status !== "paid" && status !== "refunded" : status === "held";
  }

  #stopPolling(): void {
    if (this.#poll !== null) this.#clock.clearTimeout(this.#poll);
    this.#poll = null;
  }

  async #listen(): Promise<void> {
    const { session, createSocket } = this.#deps;
    if (!session || !createSocket) return;
    const started = await session.ensure();
    if (!started.ok || this.#stopped) return;
    const socket = createSocket(started.data.fanToken);
    this.#socket = socket;
    socket.on("order:update", (update: OrderUpdate) => {
      if (update.orderId === this.#deps.orderId && update.status !== this.order?.status) void this.load();
    });
  }

  async #loadEvent(): Promise<void> {
    const eventId = this.order?.eventId;
    if (!eventId) return;
    const result = await this.#deps.api.get(endpoints.event(eventId), {
      signal: this.#abort.signal,
    });
    if (result.ok && !this.#stopped) this.event = result.data;
  }

  async #loadQrs(order: OrderView): Promise<void> {
    const missing = order.tickets.filter((t) => !t.voided && !(t.ticketId in this.qr));
    if (missing.length === 0) return;
    const drawn = await Promise.all(
      missing.map(async (t) => {
        const result = await this.#deps.api.getText(t.qrSvgUrl, { signal: this.#abort.signal });
        return [t.ticketId, result.ok ? qrImageSrc(result.data) : null] as const;
      }),
    );
    if (!this.#stopped) this.qr = { ...this.qr, ...Object.fromEntries(drawn) };
  }
}

/**
 * A QR code's SVG as an <img> source. An image runs nothing inside it (no scripts, handlers or
 * links), so the drawing needs no checking, unlike markup put into the page; it stays a vector
 * drawing, crisp at any size and in print, and shows without another request.
 */
export function qrImageSrc(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The hold ended without a payment booked: a payment still on its way books it again or is refunded. */
function endedUnpaid(status: OrderStatus): boolean {
  return status === "expired" || status === "cancelled" || status === "payment_failed";
}
