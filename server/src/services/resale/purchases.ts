// Buying a listed ticket: the buyer's lock is a pending transfer of the listing's one unit (with a
// unit of their per-fan allowance), so of two buyers exactly one gets it, and a lock nobody pays
// for ends by itself in the ledger. Then a payment session at the event's provider, keyed by
// `resale_<purchaseId>` (settled by resale-settlement.ts).
import { assert } from "@stampede/shared/assert";
import type { PurchaseView } from "@stampede/shared/api/resale";
import { uuidv7 } from "@stampede/shared/ids";
import { providerFor } from "@stampede/shared/core/payment-providers";
import { lockOutcome, planListingLock, planLockSettle } from "@stampede/shared/core/resale-plans";
import { resaleFeeCents } from "@stampede/shared/core/resale-prices";
import { settleOutcome } from "@stampede/shared/core/ledger-plans";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { ListingRecord, PurchaseRecord } from "../../adapters/postgres/resale-repo.js";
import type { OrderTokens } from "../orders/order-token.js";
import { DomainError } from "../errors.js";
import type { ResaleActor, ResaleDeps, ResaleListings } from "./listings.js";

/** The provider's reference of a resale purchase (its "order id" there). */
export const resaleReference = (purchaseId: string): string => `resale_${purchaseId}`;
const referencePattern = /^resale_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The purchase id in a provider reference, or null when the reference is not a resale purchase's. */
export function purchaseIdOf(reference: string): string | null {
  return referencePattern.exec(reference)?.[1] ?? null;
}

export interface PurchasesDeps extends ResaleDeps {
  /** The listings service (its event, settings and "who holds it" answers), shared, not made again. */
  listings: ResaleListings;
  /** The fan's live admission to the event (as a hold checks it): its jti, or admission_required. */
  checkAdmission(event: EventRecord, fanId: string, token: string): Promise<string>;
  providers: PaymentProviders;
  orderTokens: OrderTokens;
  publicUrl: () => string;
  now?: () => number;
}

export function purchaseView(p: PurchaseRecord, orderTokens: OrderTokens, nowMs: number): PurchaseView {
  const ranOut = p.status === "locked" && p.lockExpiresAt.getTime() <= nowMs;
  return {
    purchaseId: p.id,
    listingId: p.listingId,
    eventId: p.eventId,
    status: ranOut ? "expired" : p.status,
    priceCents: p.priceCents,
    feeCents: p.feeCents,
    totalCents: p.totalCents,
    currency: p.currency,
    lockExpiresAt: p.lockExpiresAt.toISOString(),
    paymentUrl: p.status === "locked" && !ranOut ? p.paymentUrl : null,
    order: p.orderId ? { orderId: p.orderId, orderToken: orderTokens.of(p.orderId).token } : null,
  };
}

export class ResalePurchases {
  private readonly listings: ResaleListings;
  private readonly now: () => number;
  constructor(private readonly deps: PurchasesDeps) {
    this.listings = deps.listings;
    this.now = deps.now ?? Date.now;
  }

  async buy(
    actor: ResaleActor,
    listingId: string,
    body: { email?: string | undefined; admissionToken?: string | undefined },
  ): Promise<PurchaseView> {
    const found = await this.deps.repo.listing(listingId);
    if (!found) throw new DomainError("not_found", "no such listing");
    if (found.status === "sold" || found.status === "withdrawn")
      throw new DomainError("listing_unavailable", `this listing is ${found.status}`);
    if (found.sellerAccountId === actor.accountId) throw new DomainError("own_listing", "this is your own listing");
    const event = await this.listings.event(found.eventId);
    const settings = await this.listings.openSettings(event);
    await this.queueFirst(event, found, actor.fanId, body.admissionToken);
    const purchaseId = uuidv7();
    await this.lock(event, found, actor.fanId, purchaseId, settings.lockSeconds);
    // The row as it is under the lock: a seller's change needs the unit, so it cannot change now.
    const listing = await this.deps.repo.listing(listingId);
    if (listing?.status !== "listed") {
      await this.release(purchaseId, false); // withdrawn by a guard that ran out before it ended
      throw new DomainError("listing_unavailable", "this listing is no longer for sale");
    }
    const feeCents = resaleFeeCents(listing.priceCents, settings.feePercent);
    const lockExpiresAt = new Date(this.now() + settings.lockSeconds * 1000);
    const purchase = {
      ...{ id: purchaseId, listingId, eventId: event.id, buyerAccountId: actor.accountId, buyerFanId: actor.fanId },
      ...{ email: body.email ?? actor.email, priceCents: listing.priceCents, feeCents, currency: listing.currency },
      ...{ totalCents: listing.priceCents + feeCents, lockExpiresAt, paymentProvider: event.paymentProvider },
    };
    await this.deps.repo.insertPurchase(purchase);
    const session = await this.openSession(event, listing, purchase).catch(async (err: unknown) => {
      await this.release(purchaseId, true);
      throw err;
    });
    await this.deps.repo.setSession(purchaseId, session.sessionId, session.paymentUrl);
    this.deps.changed(event.id);
    // The lock ends by itself in the ledger; the pages hear of it about when it does.
    setTimeout(() => this.deps.changed(event.id), settings.lockSeconds * 1000 + 1_000).unref();
    return this.view(purchaseId, actor);
  }

  /** A listing offered to the line first: only a fan the room admitted (in queue order) may buy it until then. */
  private async queueFirst(event: EventRecord, listing: ListingRecord, fanId: string, token: string | undefined) {
    if (listing.queueUntil === null || listing.queueUntil.getTime() <= this.now()) return;
    const refusal = new DomainError(
      "admission_required",
      `this ticket is offered to the fans waiting in line first, in queue order, until ${listing.queueUntil.toISOString()}`,
      { details: { queueUntil: listing.queueUntil.toISOString() } },
    );
    if (token === undefined) throw refusal;
    await this.deps.checkAdmission(event, fanId, token);
  }

  async view(purchaseId: string, actor: ResaleActor): Promise<PurchaseView> {
    const purchase = await this.deps.repo.purchase(purchaseId);
    if (!purchase || purchase.buyerAccountId !== actor.accountId)
      throw new DomainError("not_found", "no such purchase");
    return purchaseView(purchase, this.deps.orderTokens, this.now());
  }

  private async lock(
    event: EventRecord,
    listing: ListingRecord,
    fanId: string,
    purchaseId: string,
    lockSeconds: number,
  ) {
    const plan = planListingLock({
      ...{ ledger: event.ledger, listingId: listing.id, purchaseId, fanId },
      ...{ perFanMax: event.waitingRoom.perFanMax, lockSeconds, slot: "lock" },
    });
    await this.deps.ledger.createAccounts(plan.accounts);
    const locked = lockOutcome(await this.deps.ledger.createTransfers(plan.transfers));
    if (locked.kind === "fan_limit_reached")
      throw new DomainError(
        "fan_limit_reached",
        `at most ${event.waitingRoom.perFanMax} tickets per fan for this event`,
      );
    if (locked.kind === "taken") throw await this.listings.busy(listing.id);
    assert(locked.kind === "locked", `resale lock failed: ${locked.kind}`);
  }

  private openSession(
    event: EventRecord,
    listing: ListingRecord,
    p: { id: string; totalCents: number; feeCents: number },
  ) {
    const provider = providerFor(this.deps.providers, event.paymentProvider);
    const lineItems = [{ name: `${listing.classCode} (resale)`, unitAmountCents: listing.priceCents, quantity: 1 }];
    if (p.feeCents > 0) lineItems.push({ name: "Resale fee", unitAmountCents: p.feeCents, quantity: 1 });
    return provider.createSession({
      orderId: resaleReference(p.id),
      amountCents: p.totalCents,
      currency: listing.currency,
      description: `${event.name}: 1 × ${listing.classCode}, resale`,
      returnUrl: `${this.deps.publicUrl()}/resale/purchases/${p.id}`,
      lineItems,
    });
  }

  /** The lock goes back at once (no payment session could be opened, or the listing is gone); the purchase, if written, fails. */
  private async release(purchaseId: string, written: boolean): Promise<void> {
    const voided = settleOutcome(await this.deps.ledger.createTransfers(planLockSettle(purchaseId, "lock", "void")));
    assert(voided.kind !== "rejected", `releasing a resale lock: ${JSON.stringify(voided)}`);
    if (written) await this.deps.repo.failPurchase(purchaseId);
  }
}
