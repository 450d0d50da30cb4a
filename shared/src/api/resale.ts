// Resale on the wire: a signed-in holder of a paid ticket lists it at up to the event's price cap,
// another signed-in fan buys it (the listing is locked for the event's lock time while they pay),
// the seller edits the price or withdraws while nobody holds the lock. Shared by the server's
// routes (bodies validated, answers checked) and the client's pages.
import { z } from "zod";

const utcTime = z.iso.datetime();
const cents = z.int().min(0);

/** Bounds an operator may set (the admin's resale settings). */
export const resaleLimits = {
  priceCapPercent: { min: 50, max: 300 },
  feePercent: { min: 0, max: 25 },
  lockSeconds: { min: 60, max: 1_800 },
} as const;

/** `PUT /api/admin/events/:eventId/resale`: off by default; the cap is a % of face value, the
 * buyer pays the fee on top (a % of the price, rounded to the cent). */
export const resaleSettingsInput = z.strictObject({
  enabled: z.boolean(),
  priceCapPercent: z.int().min(resaleLimits.priceCapPercent.min).max(resaleLimits.priceCapPercent.max),
  feePercent: z.int().min(resaleLimits.feePercent.min).max(resaleLimits.feePercent.max),
  lockSeconds: z.int().min(resaleLimits.lockSeconds.min).max(resaleLimits.lockSeconds.max),
});
export type ResaleSettingsInput = z.output<typeof resaleSettingsInput>;
export const resaleSettingsView = resaleSettingsInput;
export type ResaleSettingsView = ResaleSettingsInput;

/** listed: for sale; locked: a buyer is paying (until lockExpiresAt); sold; withdrawn by the seller. */
export const listingStatuses = ["listed", "locked", "sold", "withdrawn"] as const;
export type ListingStatus = (typeof listingStatuses)[number];

/** A listing as its seller (and the admin) sees it. */
export const listingView = z.strictObject({
  listingId: z.string(),
  eventId: z.string(),
  ticketId: z.string(),
  /** The seller's order the ticket came from. */
  orderId: z.string(),
  classId: z.string(),
  classCode: z.string(),
  priceCents: cents,
  /** What the buyer pays on top of the price. */
  feeCents: cents,
  currency: z.string(),
  faceValueCents: cents,
  /** The highest price this listing may ask (the event's cap on its face value). */
  capCents: cents,
  status: z.enum(listingStatuses),
  /** While locked: when the buyer's lock ends if they have not paid. */
  lockExpiresAt: utcTime.nullable(),
  /** Listed while the sale was sold out and fans were waiting: until then only fans admitted from
   * the line (in queue order) may buy it; null when it went straight to the open marketplace. */
  queueUntil: utcTime.nullable(),
  createdAt: utcTime,
  soldAt: utcTime.nullable(),
});
export type ListingView = z.output<typeof listingView>;

/** `GET /api/events/:eventId/resale`: what is for sale now (listed or locked), cheapest first. */
export const publicListingView = listingView.pick({
  listingId: true,
  classId: true,
  classCode: true,
  priceCents: true,
  feeCents: true,
  currency: true,
  faceValueCents: true,
  status: true,
  lockExpiresAt: true,
  queueUntil: true,
});
export type PublicListingView = z.output<typeof publicListingView>;

export const eventResaleView = z.strictObject({
  eventId: z.string(),
  enabled: z.boolean(),
  priceCapPercent: z.int(),
  feePercent: z.int(),
  lockSeconds: z.int(),
  listings: z.array(publicListingView),
});
export type EventResaleView = z.output<typeof eventResaleView>;

/** `POST /api/resale/listings`: a ticket of one of the account's paid orders, and its price. */
export const createListingInput = z.strictObject({
  ticketId: z.uuid(),
  priceCents: z.int().positive(),
});
export type CreateListingInput = z.output<typeof createListingInput>;

/** `PATCH /api/resale/listings/:listingId`: a new price, only while nobody holds the lock. */
export const editListingInput = z.strictObject({ priceCents: z.int().positive() });
export type EditListingInput = z.output<typeof editListingInput>;

/** `GET /api/account/listings`: the account's listings, newest first. */
export const accountListingsView = z.strictObject({ listings: z.array(listingView) });
export type AccountListingsView = z.output<typeof accountListingsView>;

/** `POST /api/resale/listings/:listingId/buy` takes the email the new ticket goes to (the account's by
 * default) and, for a listing offered to the line first (queueUntil), the fan's admission token. */
export const buyListingInput = z.strictObject({
  email: z.email().max(254).optional(),
  admissionToken: z.string().min(1).max(2_000).optional(),
});
export type BuyListingInput = z.output<typeof buyListingInput>;

/** locked: paying; paid: the ticket is the buyer's (order); expired: not paid within the lock;
 * failed: declined or cancelled at the provider; refunded: paid too late, after someone else. */
export const purchaseStatuses = ["locked", "paid", "expired", "failed", "refunded"] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

/** A resale purchase as its buyer sees it (`POST …/buy` 201, `GET /api/resale/purchases/:purchaseId`). */
export const purchaseView = z.strictObject({
  purchaseId: z.string(),
  listingId: z.string(),
  eventId: z.string(),
  status: z.enum(purchaseStatuses),
  priceCents: cents,
  feeCents: cents,
  totalCents: cents,
  currency: z.string(),
  lockExpiresAt: utcTime,
  /** Where to pay, while locked. */
  paymentUrl: z.string().nullable(),
  /** Once paid: the buyer's order (its page shows the new ticket) and the token that opens it. */
  order: z.strictObject({ orderId: z.string(), orderToken: z.string() }).nullable(),
});
export type PurchaseView = z.output<typeof purchaseView>;

/** The admin's listings table (`GET /api/admin/events/:eventId/resale/listings`) and the counts. */
export const adminResaleView = z.strictObject({
  settings: resaleSettingsView,
  counts: z.strictObject({ listed: cents, locked: cents, sold: cents, withdrawn: cents }),
  listings: z.array(listingView),
});
export type AdminResaleView = z.output<typeof adminResaleView>;
