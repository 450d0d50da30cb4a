// The event page's resale section: what other fans sell (GET /api/events/:eventId/resale, listed
// or locked, cheapest first), kept current over the socket (lib/resale-watch.ts: read again on
// every `resale:changed`). Buying locks the listing for the buyer (POST …/buy) and sends them to
// the payment provider's page; a refusal is said in words under the listing and the list is read
// again when it has moved on (locked by someone else, sold, withdrawn). A listing put up while fans
// were waiting is offered to the line first (until `queueUntil`): buying it then takes the fan's
// admission token, which the waiting room hands over once they are admitted.
import type { EventResaleView, PublicListingView } from "@stampede/shared/api/resale";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { resaleRefusal } from "./resale-words.js";
import { watchResale } from "./resale-watch.js";
import type { SocketFactory } from "./socket.js";

export interface ResaleMarketDeps {
  eventId: string;
  api: Pick<Api, "get" | "post">;
  session: FanSessionPort;
  createSocket: SocketFactory;
  /** Leaves for the payment page with a real page load. */
  loadPage: (url: string) => void;
  /** The buy call answered 401: the account session ended (the header follows). */
  onSignedOut?: () => void;
  /** The fan's admission token while admitted from the line: a listing offered to the line first asks for it. */
  admissionToken?: () => string | null;
  nowMs?: () => number;
}

/** Refusals after which the list on screen is out of date. */
const movedOn = new Set(["listing_locked", "listing_unavailable", "resale_disabled"]);

export function purchasePath(purchaseId: string): string {
  return `/resale/purchases/${encodeURIComponent(purchaseId)}`;
}

export class ResaleMarket {
  /** The last good read; replaced whole. */
  view = $state.raw<EventResaleView | null>(null);
  /** The last read failed (and nothing was read before it). */
  error = $state.raw<ApiError | null>(null);
  /** The listing being bought, while the call is out. */
  buying = $state<string | null>(null);
  /** The last refusal, in words, under the listing it was about. */
  problem = $state.raw<{ listingId: string; message: string } | null>(null);

  enabled = $derived(this.view?.enabled === true);
  listings: PublicListingView[] = $derived(this.view?.listings ?? []);

  #deps: ResaleMarketDeps;
  #inFlight: AbortController | null = null;
  #stopWatching: (() => void) | null = null;
  #stopped = false;

  constructor(deps: ResaleMarketDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    this.#stopWatching = watchResale(this.#deps, () => void this.load());
    await this.load();
  }

  destroy(): void {
    this.#stopped = true;
    this.#inFlight?.abort();
    this.#stopWatching?.();
  }

  /** Reads the listings; a newer read wins over one still out. */
  async load(): Promise<void> {
    this.#inFlight?.abort();
    const call = new AbortController();
    this.#inFlight = call;
    const result = await this.#deps.api.get(endpoints.eventResale(this.#deps.eventId), { signal: call.signal });
    if (this.#stopped || this.#inFlight !== call) return;
    this.#inFlight = null;
    if (result.ok) {
      this.view = result.data;
      this.error = null;
    } else if (this.view === null) this.error = result.error;
  }

  /** Locks the listing for this fan and goes to pay; false (and the words why) when refused. */
  async buy(listing: PublicListingView): Promise<boolean> {
    if (this.buying !== null) return false;
    this.buying = listing.listingId;
    this.problem = null;
    const now = this.#deps.nowMs?.() ?? Date.now();
    const lineFirst = listing.queueUntil !== null && Date.parse(listing.queueUntil) > now;
    const admissionToken = lineFirst ? (this.#deps.admissionToken?.() ?? null) : null;
    const body = admissionToken === null ? {} : { admissionToken };
    const result = await this.#deps.api.post(endpoints.buyListing(listing.listingId), body);
    if (result.ok) {
      this.#deps.loadPage(result.data.paymentUrl ?? purchasePath(result.data.purchaseId));
      return true; // `buying` stays: the page is going away
    }
    this.buying = null;
    if (result.error.status === 401) this.#deps.onSignedOut?.();
    const lockExpiresAt = this.listings.find((l) => l.listingId === listing.listingId)?.lockExpiresAt;
    if (movedOn.has(result.error.code)) await this.load();
    const latest = this.listings.find((l) => l.listingId === listing.listingId)?.lockExpiresAt ?? lockExpiresAt;
    const context = { lockExpiresAt: latest, queueUntil: listing.queueUntil };
    this.problem = { listingId: listing.listingId, message: resaleRefusal(result.error, context) };
    return false;
  }
}
