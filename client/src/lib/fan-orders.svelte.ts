// The fan's own orders for one event (`GET /api/events/:eventId/orders/mine`, fan auth), so the
// event page shows the order they have wherever they land on it — back from the payment page, a
// reload, another tab: a live hold with its payment link and countdown, or a paid order with a
// link to its tickets. It also knows how many more tickets the fan may hold (`remaining`), which
// the hold form offers at most.
//
// Browser Back may restore the page from the back/forward cache without running any code: the
// page's `pageshow` (persisted) and a tab becoming visible again read the orders once more.
// I/O is injected (api, session, clock, page-return events), so tests drive all of it.
import type { FanOrdersView } from "@stampede/shared/api/orders";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { countdownTickMs } from "./limits.js";
import type { OrderView } from "./views.js";

export type { FanOrdersView } from "@stampede/shared/api/orders";

/** Subscribes to "the fan is back on this page" (bfcache restore, tab shown again); returns the unsubscribe. */
export type PageReturns = (run: () => void) => () => void;

/** The browser's page-return events: `pageshow` from the back/forward cache, and a tab shown again. */
export const browserPageReturns: PageReturns = (run) => {
  const onShow = (e: PageTransitionEvent): void => {
    if (e.persisted) run();
  };
  const onVisible = (): void => {
    if (document.visibilityState === "visible") run();
  };
  window.addEventListener("pageshow", onShow);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    window.removeEventListener("pageshow", onShow);
    document.removeEventListener("visibilitychange", onVisible);
  };
};

/**
 * The order to show: a hold that is still live (its payment can still keep the tickets), else the
 * newest paid order; null when there is neither. Orders come newest first.
 */
export function currentOrder(orders: readonly OrderView[], nowMs: number): OrderView | null {
  return (
    orders.find((o) => o.status === "held" && Date.parse(o.expiresAt) > nowMs) ??
    orders.find((o) => o.status === "paid") ??
    null
  );
}

export interface FanOrdersDeps {
  api: Pick<Api, "get">;
  session: FanSessionPort;
  eventId: string;
  clock?: Clock;
  pageReturns?: PageReturns | null;
}

export class FanOrders {
  /** The server's last answer; replaced whole. */
  view = $state.raw<FanOrdersView | null>(null);
  error = $state.raw<ApiError | null>(null);
  nowMs = $state(0);

  current = $derived(currentOrder(this.view?.orders ?? [], this.nowMs));
  /** Tickets the fan may still hold for this event; null until known. */
  remaining = $derived(this.view?.remaining ?? null);
  holdRemainingMs = $derived(
    this.current?.status === "held" ? Math.max(0, Date.parse(this.current.expiresAt) - this.nowMs) : null,
  );

  #deps: FanOrdersDeps;
  #clock: Clock;
  #ticker: ReturnType<Clock["setInterval"]> | null = null;
  #stopReturns: (() => void) | null = null;
  #abort = new AbortController();
  #stopped = false;
  #expiryReadFor: string | null = null;

  constructor(deps: FanOrdersDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.nowMs = this.#clock.nowMs();
  }

  async start(): Promise<void> {
    this.#ticker = this.#clock.setInterval(() => this.#tick(), countdownTickMs);
    this.#stopReturns = this.#deps.pageReturns?.(() => void this.load()) ?? null;
    await this.load();
  }

  destroy(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#ticker !== null) this.#clock.clearInterval(this.#ticker);
    this.#stopReturns?.();
  }

  /** Reads the fan's orders (starting a session if needed; a refused token is renewed once). */
  async load(): Promise<void> {
    const session = await this.#deps.session.ensure();
    if (this.#stopped) return;
    if (!session.ok) {
      this.error = session.error;
      return;
    }
    let result = await this.#get(session.data.fanToken);
    if (!result.ok && result.error.code === "unauthorized") {
      const renewed = await this.#deps.session.renew();
      if (renewed.ok) result = await this.#get(renewed.data.fanToken);
    }
    if (this.#stopped) return;
    this.nowMs = this.#clock.nowMs();
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.view = result.data;
  }

  #get(fanToken: string) {
    return this.#deps.api.get(endpoints.fanOrders(this.#deps.eventId), {
      signal: this.#abort.signal,
      headers: { Authorization: `Bearer ${fanToken}` },
    });
  }

  #tick(): void {
    this.nowMs = this.#clock.nowMs();
    // A hold that ran out on our clock: read once more, so the allowance it held comes back.
    const held = this.view?.orders.find((o) => o.status === "held" && Date.parse(o.expiresAt) + 2_000 < this.nowMs);
    if (held && this.#expiryReadFor !== held.orderId) {
      this.#expiryReadFor = held.orderId;
      void this.load();
    }
  }
}

/**
 * Where the event page keeps the fan's orders so the hold form (deeper in the page) can read
 * `remaining`: the page provides a slot, the current-order panel fills it.
 */
export class FanOrdersSlot {
  orders = $state.raw<FanOrders | null>(null);
}
