// The order page's resale side, for a signed-in fan whose event allows resale: per ticket that can
// still be sold (paid, not checked in, not void, not resold) a "Sell this ticket" form with the
// highest price allowed; per ticket already for sale (the account's listings, matched by ticket
// id) its price, "Change price" and "Withdraw" while listed, "A buyer is paying" while locked.
// Prices are typed in the currency's major units ("45.50"). Live over the socket
// (lib/resale-watch.ts): a buyer's lock, a sale, another tab's change read the listings again and
// tell the page (`onChanged`), which reads the order again (a sold ticket shows "Resold").
import type { EventResaleView, ListingView } from "@stampede/shared/api/resale";
import { resaleCapCents } from "@stampede/shared/core/resale-prices";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { parseMoney } from "./field-errors.js";
import { formatMoney } from "./format.js";
import { resaleRefusal } from "./resale-words.js";
import { watchResale } from "./resale-watch.js";
import type { SocketFactory } from "./socket.js";
import type { OrderView, TicketView } from "./views.js";

/** A ticket as the order view sends it; `resold` is true once it was sold on (it is then void too). */
export type ResaleTicket = Pick<TicketView, "ticketId" | "classCode" | "checkedInAt" | "voided" | "resold">;

export function isResold(ticket: Pick<ResaleTicket, "resold">): boolean {
  return ticket.resold;
}

/** Whether the ticket may be put up for sale, as far as the order shows. */
export function canSell(order: Pick<OrderView, "status">, ticket: ResaleTicket): boolean {
  return order.status === "paid" && ticket.checkedInAt === null && !ticket.voided && !isResold(ticket);
}

/** The ticket's listing that is still open (listed or locked), newest first as the server sends them. */
export function openListing(listings: readonly ListingView[], ticketId: string): ListingView | null {
  return listings.find((l) => l.ticketId === ticketId && (l.status === "listed" || l.status === "locked")) ?? null;
}

/** The face value of the order's tickets of a tier (what the cap is a share of); 0 when the order has no such tier. */
export function faceValueOf(order: Pick<OrderView, "items">, classCode: string): number {
  return order.items.find((item) => item.code === classCode)?.unitPriceCents ?? 0;
}

/** Major units for a price field: 4550 USD → "45.50". */
export function priceText(cents: number, currency: string): string {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (cents / 10 ** digits).toFixed(digits);
}

export interface SellerDeskDeps {
  api: Pick<Api, "get" | "post" | "patch" | "delete">;
  eventId: string;
  session?: FanSessionPort | null;
  createSocket?: SocketFactory | null;
  /** The listings changed (a sale, a lock): the order may have too. */
  onChanged?: () => void;
}

export class SellerDesk {
  /** The event's resale settings (and what is for sale). */
  resale = $state.raw<EventResaleView | null>(null);
  /** The account's listings; null until read (or when signed out). */
  listings = $state.raw<ListingView[] | null>(null);
  signedOut = $state(false);
  /** Price fields as typed, per ticket id (new listings) or listing id (a price change). */
  prices: Record<string, string> = $state({});
  /** The listing whose price is being changed. */
  editing = $state<string | null>(null);
  /** The ticket or listing a call is out for. */
  busy = $state<string | null>(null);
  /** The last refusal, per ticket id or listing id, in words. */
  problems = $state.raw<Record<string, string>>({});

  enabled = $derived(this.resale?.enabled === true && this.listings !== null);

  #deps: SellerDeskDeps;
  #stopWatching: (() => void) | null = null;
  #abort = new AbortController();
  #stopped = false;

  constructor(deps: SellerDeskDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    await this.load();
    if (this.#stopped || !this.enabled || !this.#deps.session || !this.#deps.createSocket) return;
    const { session, createSocket, eventId } = this.#deps;
    this.#stopWatching = watchResale({ eventId, session, createSocket }, () => void this.#changed());
  }

  destroy(): void {
    this.#stopped = true;
    this.#abort.abort();
    this.#stopWatching?.();
  }

  /** The event's settings and the account's listings, together. */
  async load(): Promise<void> {
    const signal = this.#abort.signal;
    const [resale, listings] = await Promise.all([
      this.#deps.api.get(endpoints.eventResale(this.#deps.eventId), { signal }),
      this.#deps.api.get(endpoints.accountListings(), { signal }),
    ]);
    if (this.#stopped) return;
    if (resale.ok) this.resale = resale.data;
    if (listings.ok) this.listings = listings.data.listings;
    else if (listings.error.status === 401) {
      this.signedOut = true;
      this.listings = null;
    }
  }

  listingOf(ticketId: string): ListingView | null {
    return openListing(this.listings ?? [], ticketId);
  }

  /** The highest price a ticket of this face value may ask here, or null before the settings are read. */
  capCents(faceValueCents: number): number | null {
    return this.resale === null ? null : resaleCapCents(faceValueCents, this.resale.priceCapPercent);
  }

  /** Puts the ticket up for sale at the typed price. */
  async sell(ticketId: string, currency: string, faceValueCents: number): Promise<boolean> {
    const priceCents = this.#typedPrice(ticketId, currency, this.capCents(faceValueCents));
    if (priceCents === null || this.busy !== null) return false;
    this.busy = ticketId;
    const result = await this.#deps.api.post(endpoints.createListing(), { ticketId, priceCents });
    return this.#settle(ticketId, result, currency);
  }

  /** Opens the price change of a listing, its current price in the field. */
  startEditing(listing: ListingView): void {
    this.editing = listing.listingId;
    this.prices[listing.listingId] = priceText(listing.priceCents, listing.currency);
    this.#clearProblem(listing.listingId);
  }

  async reprice(listing: ListingView): Promise<boolean> {
    const priceCents = this.#typedPrice(listing.listingId, listing.currency, listing.capCents);
    if (priceCents === null || this.busy !== null) return false;
    this.busy = listing.listingId;
    const result = await this.#deps.api.patch(endpoints.editListing(listing.listingId), { priceCents });
    return this.#settle(listing.listingId, result, listing.currency, listing.lockExpiresAt);
  }

  async withdraw(listing: ListingView): Promise<boolean> {
    if (this.busy !== null) return false;
    this.busy = listing.listingId;
    const result = await this.#deps.api.delete(endpoints.withdrawListing(listing.listingId));
    return this.#settle(listing.listingId, result, listing.currency, listing.lockExpiresAt);
  }

  /** A write's answer: the listing replaces its old self, or the refusal is said and the listings read again. */
  async #settle(
    key: string,
    result: { ok: true; data: ListingView } | { ok: false; error: ApiError },
    currency: string,
    lockExpiresAt: string | null = null,
  ): Promise<boolean> {
    this.busy = null;
    if (result.ok) {
      const others = (this.listings ?? []).filter((l) => l.listingId !== result.data.listingId);
      this.listings = [result.data, ...others];
      this.editing = null;
      this.#clearProblem(key);
      return true;
    }
    if (result.error.status === 401) this.signedOut = true;
    this.problems = { ...this.problems, [key]: resaleRefusal(result.error, { currency, lockExpiresAt }) };
    if (result.error.status === 409) await this.load();
    return false;
  }

  #typedPrice(key: string, currency: string, capCents: number | null): number | null {
    const cents = parseMoney(this.prices[key] ?? "", currency);
    let problem: string | null = null;
    if (cents === null || cents <= 0) problem = "Type a price, like 45 or 45.50.";
    else if (capCents !== null && cents > capCents) problem = `At most ${formatMoney(capCents, currency)}.`;
    if (problem === null) {
      this.#clearProblem(key);
      return cents;
    }
    this.problems = { ...this.problems, [key]: problem };
    return null;
  }

  #clearProblem(key: string): void {
    if (!(key in this.problems)) return;
    const { [key]: _gone, ...rest } = this.problems;
    this.problems = rest;
  }

  async #changed(): Promise<void> {
    await this.load();
    if (!this.#stopped) this.#deps.onChanged?.();
  }
}
