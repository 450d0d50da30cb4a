// The resale purchase page's state (`/resale/purchases/:purchaseId`, the buyer's account only):
// the purchase read once, then every `pollMs` (2 s) while it is locked — the fan is paying, or
// back from paying and the provider's word is not in yet — until it settles (paid: the buyer's
// new order and its token; expired, failed, refunded) or the page is left. A clock tick keeps the
// lock's countdown current.
import type { PurchaseView } from "@stampede/shared/api/resale";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import { countdownTickMs } from "./limits.js";
import { orderHref } from "./my-tickets.svelte.js";

export type PurchasePhase =
  | "loading"
  | "signed_out" // 401: the page offers to sign in and come back
  | "not_found" // not this account's purchase, or no such purchase
  | "load_failed" // the server didn't answer; retryable
  | "confirming" // locked, and the fan is back from paying: waiting for the provider's word
  | PurchaseView["status"];

export interface PurchaseTrackerDeps {
  api: Pick<Api, "get">;
  purchaseId: string;
  /** MockPay's `outcome` query parameter, when the fan is back from paying. */
  outcome: string | null;
  clock?: Clock;
  pollMs?: number;
}

export const purchasePollMs = 2_000;

export class PurchaseTracker {
  purchase = $state.raw<PurchaseView | null>(null);
  error = $state.raw<ApiError | null>(null);
  nowMs = $state(0);

  phase: PurchasePhase = $derived.by(() => this.#phase());
  lockRemainingMs = $derived(
    this.purchase?.status === "locked" ? Math.max(0, Date.parse(this.purchase.lockExpiresAt) - this.nowMs) : null,
  );
  /** The buyer's new order, once paid: its page shows the ticket. */
  orderHref = $derived(
    this.purchase?.order ? orderHref(this.purchase.order.orderId, this.purchase.order.orderToken) : null,
  );

  #deps: PurchaseTrackerDeps;
  #clock: Clock;
  #poll: ReturnType<Clock["setTimeout"]> | null = null;
  #ticker: ReturnType<Clock["setInterval"]> | null = null;
  #abort = new AbortController();
  #stopped = false;

  constructor(deps: PurchaseTrackerDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.nowMs = this.#clock.nowMs();
  }

  async start(): Promise<void> {
    this.#ticker = this.#clock.setInterval(() => (this.nowMs = this.#clock.nowMs()), countdownTickMs);
    await this.load();
  }

  destroy(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#poll !== null) this.#clock.clearTimeout(this.#poll);
    if (this.#ticker !== null) this.#clock.clearInterval(this.#ticker);
    this.#poll = null;
    this.#ticker = null;
  }

  /** Reads the purchase; while it is locked (or the read failed for a moment) reads again in `pollMs`. */
  async load(): Promise<void> {
    if (this.#poll !== null) this.#clock.clearTimeout(this.#poll);
    this.#poll = null;
    const result = await this.#deps.api.get(endpoints.resalePurchase(this.#deps.purchaseId), {
      signal: this.#abort.signal,
    });
    if (this.#stopped) return;
    if (result.ok) {
      this.purchase = result.data;
      this.error = null;
    } else if (this.purchase === null || result.error.status === 401 || result.error.code === "not_found") {
      this.error = result.error;
    }
    const locked = this.purchase?.status === "locked";
    const retry = !result.ok && this.purchase !== null && (result.error.status === 0 || result.error.status >= 500);
    if (locked || retry) this.#schedule();
    else if (this.#ticker !== null) {
      this.#clock.clearInterval(this.#ticker);
      this.#ticker = null;
    }
  }

  #schedule(): void {
    this.#poll = this.#clock.setTimeout(() => {
      this.#poll = null;
      void this.load();
    }, this.#deps.pollMs ?? purchasePollMs);
  }

  #phase(): PurchasePhase {
    const error = this.error;
    if (error !== null && (this.purchase === null || error.status === 401 || error.code === "not_found")) {
      if (error.status === 401) return "signed_out";
      return error.code === "not_found" ? "not_found" : "load_failed";
    }
    const purchase = this.purchase;
    if (purchase === null) return "loading";
    if (purchase.status === "locked" && this.#deps.outcome === "succeeded") return "confirming";
    return purchase.status;
  }
}
