// "My listings" on the account page: every resale listing of the signed-in account (any event,
// newest first, GET /api/account/listings) with its event's name, price and where it stands.
import type { ListingStatus, ListingView } from "@stampede/shared/api/resale";
import type { Api, ApiError } from "./api.js";
import { isSignedOutError } from "./account.svelte.js";
import * as endpoints from "./endpoints.js";
import { readEventNames, type EventNames } from "./my-tickets.svelte.js";
import { listingStatusWords } from "./resale-words.js";

export interface ListingRow {
  listingId: string;
  eventLabel: string;
  eventHref: string;
  classCode: string;
  priceCents: number;
  currency: string;
  status: ListingStatus;
  statusLabel: string;
  createdAt: string;
  soldAt: string | null;
}

export type MyListingsState =
  | { kind: "loading" }
  | { kind: "signed_out" }
  | { kind: "loaded"; listings: ListingView[] }
  | { kind: "failed"; error: ApiError };

export function listingRows(listings: readonly ListingView[], names: EventNames): ListingRow[] {
  return listings.map((l) => ({
    listingId: l.listingId,
    eventLabel: names[l.eventId] ?? `Event ${l.eventId}`,
    eventHref: `/events/${encodeURIComponent(l.eventId)}`,
    classCode: l.classCode,
    priceCents: l.priceCents,
    currency: l.currency,
    status: l.status,
    statusLabel: listingStatusWords[l.status],
    createdAt: l.createdAt,
    soldAt: l.soldAt,
  }));
}

export class MyListings {
  /** Replaced whole on every change. */
  state = $state.raw<MyListingsState>({ kind: "loading" });
  names = $state.raw<EventNames>({});
  rows = $derived(this.state.kind === "loaded" ? listingRows(this.state.listings, this.names) : []);

  #api: Pick<Api, "get">;

  constructor(api: Pick<Api, "get">) {
    this.#api = api;
  }

  /** The listings, then their events' names. `signed_out` on 401. */
  async load(signal?: AbortSignal): Promise<void> {
    this.state = { kind: "loading" };
    const result = await this.#api.get(endpoints.accountListings(), { signal });
    if (!result.ok) {
      this.state = isSignedOutError(result.error) ? { kind: "signed_out" } : { kind: "failed", error: result.error };
      return;
    }
    this.state = { kind: "loaded", listings: result.data.listings };
    this.names = await readEventNames(
      this.#api,
      result.data.listings.map((l) => l.eventId),
      signal,
    );
  }
}
