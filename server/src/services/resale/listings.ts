// Listings: a signed-in holder of a paid ticket lists it (at most the event's cap), re-prices or
// withdraws it while no buyer holds its lock. The ledger decides the races (resale-plans.ts): a
// listing's one unit is what a buyer's lock, a withdrawal and a price edit each need.
import { assert } from "@stampede/shared/assert";
import type { ListingView, PublicListingView, ResaleSettingsView } from "@stampede/shared/api/resale";
import { uuidv7 } from "@stampede/shared/ids";
import { resaleQueueFirstSeconds } from "@stampede/shared/limits";
import type { Ledger } from "@stampede/shared/ledger/port";
import { planGuard, planGuardEnd, planListingSetup, singleOutcome } from "@stampede/shared/core/resale-plans";
import { resaleCapCents, resaleFeeCents } from "@stampede/shared/core/resale-prices";
import { settleOutcome } from "@stampede/shared/core/ledger-plans";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { ListingRecord, ResaleRepo, TicketForSale } from "../../adapters/postgres/resale-repo.js";
import { DomainError } from "../errors.js";

/** Who is asking: the account, and what makes an order theirs (a fan id it signed in with, or its verified email). */
export interface ResaleActor {
  accountId: string;
  fanId: string;
  email: string;
  fanIds: string[];
  verifiedEmail: string | null;
}

export interface ResaleDeps {
  repo: ResaleRepo;
  ledger: Ledger;
  events: { get(id: string): Promise<EventRecord | null> };
  /** Tells the event's open pages that its listings changed. */
  changed(eventId: string): void;
  /** Fans waiting in the event's line now (fair resale offers a listing to them first). */
  waiting(eventId: string): Promise<number>;
  now?: () => number;
}

export function listingView(l: ListingRecord, feePercent: number): ListingView {
  return {
    listingId: l.id,
    eventId: l.eventId,
    ticketId: l.ticketId,
    orderId: l.orderId,
    classId: l.classId,
    classCode: l.classCode,
    priceCents: l.priceCents,
    feeCents: resaleFeeCents(l.priceCents, feePercent),
    currency: l.currency,
    faceValueCents: l.faceValueCents,
    capCents: l.capCents,
    status: l.status,
    lockExpiresAt: l.lockExpiresAt?.toISOString() ?? null,
    queueUntil: l.queueUntil?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    soldAt: l.soldAt?.toISOString() ?? null,
  };
}

/** What anyone may see of a listing: not whose it is, nor which ticket or order. */
export function publicListing(l: ListingView): PublicListingView {
  const { listingId, classId, classCode, priceCents, feeCents, currency, faceValueCents, status } = l;
  return {
    ...{ listingId, classId, classCode, priceCents, feeCents, currency, faceValueCents, status },
    ...{ lockExpiresAt: l.lockExpiresAt, queueUntil: l.queueUntil },
  };
}

export const ownsOrder = (actor: ResaleActor, order: { fanId: string; email: string }): boolean =>
  actor.fanIds.includes(order.fanId) ||
  (actor.verifiedEmail !== null && actor.verifiedEmail === order.email.trim().toLowerCase());

export class ResaleListings {
  constructor(private readonly deps: ResaleDeps) {}

  async event(eventId: string): Promise<EventRecord> {
    const event = await this.deps.events.get(eventId);
    if (!event) throw new DomainError("not_found", "no such event");
    return event;
  }

  /** The event's settings, refusing when resale is off (or the event is over or called off). */
  async openSettings(event: EventRecord): Promise<ResaleSettingsView> {
    const settings = await this.deps.repo.settings(event.id);
    if (!settings.enabled) throw new DomainError("resale_disabled", "resale is not open for this event");
    if (event.status === "cancelled") throw new DomainError("resale_disabled", "this event is cancelled");
    return settings;
  }

  async create(actor: ResaleActor, ticketId: string, priceCents: number): Promise<ListingView> {
    const ticket = await this.deps.repo.ticketForSale(ticketId);
    if (!ticket) throw new DomainError("not_found", "no such ticket");
    if (!ownsOrder(actor, { fanId: ticket.orderFanId, email: ticket.orderEmail }))
      throw new DomainError("not_your_ticket", "this ticket is not on one of your orders");
    refuseUnsellable(ticket);
    const event = await this.event(ticket.eventId);
    const settings = await this.openSettings(event);
    const capCents = resaleCapCents(ticket.unitPriceCents, settings.priceCapPercent);
    refuseAboveCap(priceCents, capCents);
    if (await this.deps.repo.isListed(ticketId))
      throw new DomainError("already_listed", "this ticket is already listed");
    const id = uuidv7();
    // The unit first: a listing row never exists without its ledger account (a retry gives `exists`).
    const setup = planListingSetup({ ledger: event.ledger, listingId: id });
    await this.deps.ledger.createAccounts(setup.accounts);
    const funded = singleOutcome((await this.deps.ledger.createTransfers(setup.transfers))[0]);
    assert(funded === "done", `listing funding failed: ${funded}`);
    const inserted = await this.deps.repo.insertListing({
      ...{ id, eventId: event.id, ticketId, orderId: ticket.orderId, sellerAccountId: actor.accountId },
      ...{ classId: ticket.classId, classCode: ticket.classCode, priceCents },
      ...{ faceValueCents: ticket.unitPriceCents, capCents, currency: ticket.currency },
      queueUntil: await this.queueUntil(event),
    });
    if (!inserted) throw new DomainError("already_listed", "this ticket is already listed");
    this.deps.changed(event.id);
    return this.view(id, settings.feePercent);
  }

  /** A new price, under the seller's guard: no buyer can lock the listing while it changes. */
  async reprice(actor: ResaleActor, listingId: string, priceCents: number): Promise<ListingView> {
    const { listing, event, settings } = await this.sellers(actor, listingId);
    refuseAboveCap(priceCents, listing.capCents);
    await this.underGuard(event, listing, "void", () => this.deps.repo.setPrice(listingId, priceCents));
    this.deps.changed(event.id);
    return this.view(listingId, settings.feePercent);
  }

  /** The seller takes the listing back: under the guard, which is then posted (the unit leaves for good). */
  async withdraw(actor: ResaleActor, listingId: string): Promise<ListingView> {
    const { listing, event, settings } = await this.sellers(actor, listingId);
    await this.underGuard(event, listing, "post", () => this.deps.repo.withdraw(listingId));
    this.deps.changed(event.id);
    return this.view(listingId, settings.feePercent);
  }

  /**
   * Takes the listing's unit (refused while a buyer holds it), changes the row, ends the guard. A
   * guard left by a crash runs out by itself; a withdrawn row whose guard ran out keeps a unit in
   * the ledger that nobody can lock (buying reads the row first, and again after locking).
   */
  private async underGuard(
    event: EventRecord,
    listing: ListingRecord,
    end: "post" | "void",
    change: () => Promise<boolean>,
  ): Promise<void> {
    const guardId = uuidv7();
    const ref = { ledger: event.ledger, listingId: listing.id };
    const guard = singleOutcome((await this.deps.ledger.createTransfers([planGuard(ref, guardId)]))[0]);
    if (guard === "taken") throw await this.busy(listing.id);
    assert(guard === "done", `seller's guard failed: ${guard}`);
    let changed = false;
    try {
      changed = await change();
      if (!changed) throw new DomainError("listing_unavailable", "this listing is no longer for sale");
    } finally {
      const verb = changed ? end : "void";
      const ended = settleOutcome(await this.deps.ledger.createTransfers(planGuardEnd(guardId, verb)));
      // expired: the guard ran out first; the unit is back, which a withdrawn row never offers again.
      assert(ended.kind === "done" || ended.kind === "expired", `ending the seller's guard: ${ended.kind}`);
    }
  }

  /** Fair resale: listed while the sale is sold out and fans still wait, it is offered to them first. */
  private async queueUntil(event: EventRecord): Promise<Date | null> {
    if (event.status !== "sold_out") return null;
    const waiting = await this.deps.waiting(event.id).catch(() => 0); // the room unread: the open marketplace
    return waiting > 0 ? new Date((this.deps.now ?? Date.now)() + resaleQueueFirstSeconds * 1000) : null;
  }

  async view(listingId: string, feePercent: number): Promise<ListingView> {
    const listing = await this.deps.repo.listing(listingId);
    assert(listing !== null, `listing ${listingId} vanished`);
    return listingView(listing, feePercent);
  }

  /** A listing of this seller that is still for sale, with its event and settings. */
  private async sellers(actor: ResaleActor, listingId: string) {
    const listing = await this.deps.repo.listing(listingId);
    if (!listing || listing.sellerAccountId !== actor.accountId)
      throw new DomainError("not_found", "no such listing of yours");
    if (listing.status === "sold" || listing.status === "withdrawn")
      throw new DomainError("listing_unavailable", `this listing is ${listing.status}`);
    const event = await this.event(listing.eventId);
    const settings = await this.deps.repo.settings(event.id);
    return { listing, event, settings };
  }

  /** The unit is taken: a buyer's lock (say until when), or it was sold or withdrawn meanwhile. */
  async busy(listingId: string): Promise<DomainError> {
    const now = await this.deps.repo.listing(listingId);
    if (now?.status === "sold" || now?.status === "withdrawn")
      return new DomainError("listing_unavailable", `this listing is ${now.status}`);
    return new DomainError("listing_locked", "a buyer is paying for this listing right now", {
      details: { lockExpiresAt: now?.lockExpiresAt?.toISOString() ?? null },
    });
  }
}

function refuseUnsellable(ticket: TicketForSale): void {
  const why =
    ticket.orderStatus !== "paid"
      ? `its order is ${ticket.orderStatus}`
      : ticket.resold
        ? "it was resold"
        : ticket.voided
          ? "it is void"
          : ticket.checkedIn
            ? "it was checked in"
            : null;
  if (why) throw new DomainError("ticket_not_resellable", `this ticket cannot be listed: ${why}`);
}

function refuseAboveCap(priceCents: number, capCents: number): void {
  if (priceCents > capCents)
    throw new DomainError("price_above_cap", `the price may be at most ${capCents} cents`, { details: { capCents } });
}
