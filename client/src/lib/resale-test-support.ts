// Resale answers for the client's unit tests, each overridable.
import type { EventResaleView, ListingView, PublicListingView, PurchaseView } from "@stampede/shared/api/resale";

export function listing(overrides: Partial<ListingView> = {}): ListingView {
  return {
    listingId: "l1",
    eventId: "e1",
    ticketId: "t1",
    orderId: "o1",
    classId: "c1",
    classCode: "GA",
    priceCents: 4_000,
    feeCents: 200,
    currency: "USD",
    faceValueCents: 4_500,
    capCents: 5_400,
    status: "listed",
    lockExpiresAt: null,
    queueUntil: null,
    createdAt: "2030-03-14T17:00:00.000Z",
    soldAt: null,
    ...overrides,
  };
}

export function publicListing(overrides: Partial<PublicListingView> = {}): PublicListingView {
  const { eventId: _e, ticketId: _t, orderId: _o, capCents: _c, createdAt: _a, soldAt: _s, ...shown } = listing();
  return { ...shown, ...overrides };
}

export function eventResale(overrides: Partial<EventResaleView> = {}): EventResaleView {
  return {
    eventId: "e1",
    enabled: true,
    priceCapPercent: 120,
    feePercent: 5,
    lockSeconds: 300,
    listings: [publicListing()],
    ...overrides,
  };
}

export function purchase(overrides: Partial<PurchaseView> = {}): PurchaseView {
  return {
    purchaseId: "p1",
    listingId: "l1",
    eventId: "e1",
    status: "locked",
    priceCents: 4_000,
    feeCents: 200,
    totalCents: 4_200,
    currency: "USD",
    lockExpiresAt: "2030-03-14T18:05:00.000Z",
    paymentUrl: "http://x/mockpay/checkout/s1",
    order: null,
    ...overrides,
  };
}
