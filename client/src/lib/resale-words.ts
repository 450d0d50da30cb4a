// Resale in words: where a listing or a purchase stands, and the server's refusals said for people
// with what the page knows (the time a locked listing comes back, the highest price allowed).
import type { ListingStatus, PurchaseStatus } from "@stampede/shared/api/resale";
import { plainMessage, type ApiError } from "./api.js";
import { formatHourMinute, formatMoney } from "./format.js";

/** The seller's view of their listing. */
export const listingStatusWords: Record<ListingStatus, string> = {
  listed: "For sale",
  locked: "A buyer is paying",
  sold: "Sold",
  withdrawn: "Withdrawn",
};

export const purchaseStatusWords: Record<PurchaseStatus, string> = {
  locked: "Waiting for your payment",
  paid: "Paid — the ticket is yours",
  expired: "Not paid in time",
  failed: "The payment didn't go through",
  refunded: "Refunded",
};

/** "Being bought — back by 20:31 if unpaid" for a locked listing; "For fans admitted from the line until 20:31"
 * for one offered to the line first (until `queueUntil`, on `nowMs`'s clock); "Available" otherwise. */
export function availabilityWords(
  listing: { status: string; lockExpiresAt: string | null; queueUntil?: string | null },
  nowMs: number,
  locale?: string,
): string {
  if (listing.status !== "locked") {
    const until = listing.queueUntil ?? null;
    if (until === null || !(Date.parse(until) > nowMs)) return "Available";
    return `For fans admitted from the line until ${formatHourMinute(until, locale)}`;
  }
  if (listing.lockExpiresAt === null) return "Being bought";
  return `Being bought — back by ${formatHourMinute(listing.lockExpiresAt, locale)} if unpaid`;
}

export interface RefusalContext {
  /** When the listing's lock ends (listing_locked). */
  lockExpiresAt?: string | null;
  /** Until when the listing is offered to the line first (admission_required). */
  queueUntil?: string | null;
  /** For price_above_cap: the currency of the price. */
  currency?: string;
  locale?: string;
}

/** The cap a price_above_cap refusal names (`details.capCents`), if any. */
export function refusedCapCents(error: ApiError): number | null {
  const details = error.details as { capCents?: unknown } | undefined;
  return typeof details?.capCents === "number" ? details.capCents : null;
}

/** A resale call's refusal in plain words. */
export function resaleRefusal(error: ApiError, context: RefusalContext = {}): string {
  if (error.code === "listing_locked") {
    const at = context.lockExpiresAt ? formatHourMinute(context.lockExpiresAt, context.locale) : null;
    return at === null
      ? plainMessage(error)
      : `Someone else is paying for this ticket right now; if they don't, it comes back by ${at}.`;
  }
  if (error.code === "price_above_cap") {
    const cap = refusedCapCents(error);
    if (cap !== null && context.currency)
      return `That's above the highest price allowed: at most ${formatMoney(cap, context.currency, context.locale)}.`;
  }
  if (error.code === "admission_required" && context.queueUntil) {
    const at = formatHourMinute(context.queueUntil, context.locale);
    return `This ticket is offered to the fans waiting in line first, until ${at}. Join the line, or come back then.`;
  }
  if (error.status === 401) return "Your session ended. Sign in again to continue.";
  return plainMessage(error);
}
