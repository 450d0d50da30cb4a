// How a resale purchase settles, like settlement.ts does an order: the ledger effect first (post
// the buyer's lock; a payment after the lock ran out re-locks the listing if it is still free),
// then one short transaction — the inbox row, the purchase's move, the listing sold, the old
// ticket void and marked resold, the seller's payout, and the buyer's own order with the new
// ticket (its page, its email and "My tickets" work as for any order). A payment that finds the
// listing gone is refunded through the buyer's order (refund intent, like a late primary payment).
import { assert } from "@stampede/shared/assert";
import { holdSecondsMin } from "@stampede/shared/limits";
import { uuidv7 } from "@stampede/shared/ids";
import { settleOutcome } from "@stampede/shared/core/ledger-plans";
import { lockOutcome, planListingLock, planLockSettle, type LockSlot } from "@stampede/shared/core/resale-plans";
import { announce } from "@stampede/shared/core/settle-common";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Transactions, Tx } from "@stampede/shared/ports/transaction";
import type { PaymentEvent } from "@stampede/shared/ports/payment-provider";
import type { DomainEventPublisher } from "@stampede/shared/ports/domain-events";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import type { PaymentInbox } from "../../adapters/postgres/payment-inbox.js";
import type { ListingRecord, PurchaseRecord, ResaleRepo } from "../../adapters/postgres/resale-repo.js";
import { issueTickets } from "../orders/fulfilment.js";
import type { OrderTokens } from "../orders/order-token.js";
import type { RefundRunner } from "../orders/refund-intents.js";
import type { WebhookResult } from "../orders/settlement.js";
import type { TicketCodes } from "../orders/ticket-codes.js";
import { purchaseIdOf } from "./purchases.js";

export interface ResaleSettlementDeps {
  repo: ResaleRepo;
  ledger: Ledger;
  events: { get(id: string): Promise<EventRecord | null> };
  transactions: Transactions;
  inbox: PaymentInbox;
  refunds: RefundRunner;
  codes: TicketCodes;
  orderTokens: OrderTokens;
  domainEvents: DomainEventPublisher;
  /** A provider event about the buyer's order itself (a refund): settled as any order's. */
  settleOrderEvent(evt: PaymentEvent): Promise<WebhookResult>;
  changed(eventId: string): void;
  /** Pays the seller's recorded payout out after the sale commits (payouts.ts); absent: only recorded. */
  payouts?: { run(listingId: string): Promise<void> };
}

type Prepared = { kind: "pay"; slot: LockSlot } | { kind: "refund_late" } | { kind: "voided" } | { kind: "none" };

export class ResaleSettlement {
  constructor(private readonly deps: ResaleSettlementDeps) {}

  /** Whether a provider event is about a resale purchase (its reference is `resale_<uuid>`). */
  static owns(evt: PaymentEvent): boolean {
    return purchaseIdOf(evt.data.orderId) !== null;
  }

  async applyWebhook(evt: PaymentEvent): Promise<WebhookResult> {
    const purchaseId = purchaseIdOf(evt.data.orderId);
    assert(purchaseId !== null, "not a resale purchase's event");
    const purchase = await this.deps.repo.purchase(purchaseId);
    if (!purchase || purchase.paymentSessionId !== evt.data.sessionId) return this.recordOnly(evt, "unknown_order");
    if (evt.type === "refund.succeeded") {
      if (!purchase.orderId) return this.recordOnly(evt, "ignored");
      return this.deps.settleOrderEvent({ ...evt, data: { ...evt.data, orderId: purchase.orderId } });
    }
    const paysInFull = evt.data.amountCents === purchase.totalCents && evt.data.currency === purchase.currency;
    if (evt.type === "payment.succeeded" && !paysInFull) return this.recordOnly(evt, "amount_mismatch");
    const event = await this.deps.events.get(purchase.eventId);
    assert(event !== null, `purchase ${purchase.id} refers to a missing event`);
    const prepared = await this.prepare(evt, purchase, event);
    const after: Array<() => Promise<void>> = [];
    const result = await this.deps.transactions(async (tx): Promise<WebhookResult> => {
      const entry = { eventId: evt.id, type: evt.type, orderId: null, sessionId: evt.data.sessionId };
      if (!(await this.deps.inbox.record(tx, entry, "applied"))) return "duplicate";
      const outcome = await this.apply(tx, purchase, event, prepared, after);
      await this.deps.inbox.setOutcome(tx, evt.id, outcome);
      return outcome === "ignored" ? "ignored" : "applied";
    });
    for (const fn of after) await fn();
    return result;
  }

  private async recordOnly(evt: PaymentEvent, outcome: string): Promise<WebhookResult> {
    const entry = { eventId: evt.id, type: evt.type, orderId: null, sessionId: evt.data.sessionId };
    const recorded = await this.deps.transactions((tx) => this.deps.inbox.record(tx, entry, outcome));
    if (!recorded) return "duplicate";
    return outcome === "amount_mismatch" ? "mismatch" : outcome === "ignored" ? "ignored" : "unknown_order";
  }

  /** The ledger's part, before the transaction (every id derives from the purchase: a retry finds `exists`). */
  private async prepare(evt: PaymentEvent, purchase: PurchaseRecord, event: EventRecord): Promise<Prepared> {
    if (evt.type === "payment.succeeded") {
      if (purchase.status === "paid" || purchase.status === "refunded") return { kind: "none" };
      const posted = settleOutcome(await this.deps.ledger.createTransfers(planLockSettle(purchase.id, "lock", "post")));
      if (posted.kind === "done" || posted.kind === "already_posted") return { kind: "pay", slot: "lock" };
      return this.relock(purchase, event);
    }
    if (purchase.status !== "locked") return { kind: "none" };
    const voided = settleOutcome(await this.deps.ledger.createTransfers(planLockSettle(purchase.id, "lock", "void")));
    // already_posted: a payment won; the purchase is that payment's to settle.
    return voided.kind === "already_posted" ? { kind: "none" } : { kind: "voided" };
  }

  /** Paid after the lock ran out: lock the listing again under the purchase's late slot and post at once. */
  private async relock(purchase: PurchaseRecord, event: EventRecord): Promise<Prepared> {
    const plan = planListingLock({
      ...{ ledger: event.ledger, listingId: purchase.listingId, purchaseId: purchase.id, fanId: purchase.buyerFanId },
      ...{ perFanMax: event.waitingRoom.perFanMax, lockSeconds: holdSecondsMin, slot: "late" },
    });
    await this.deps.ledger.createAccounts(plan.accounts);
    const locked = lockOutcome(await this.deps.ledger.createTransfers(plan.transfers));
    if (locked.kind !== "locked") return { kind: "refund_late" };
    const posted = settleOutcome(await this.deps.ledger.createTransfers(planLockSettle(purchase.id, "late", "post")));
    if (posted.kind === "done" || posted.kind === "already_posted") return { kind: "pay", slot: "late" };
    return { kind: "refund_late" };
  }

  private async apply(
    tx: Tx,
    seen: PurchaseRecord,
    event: EventRecord,
    prepared: Prepared,
    after: Array<() => Promise<void>>,
  ): Promise<string> {
    const purchase = await this.deps.repo.purchaseForUpdate(tx, seen.id);
    assert(purchase !== null, `purchase ${seen.id} vanished`);
    if (prepared.kind === "none") return "ignored";
    if (prepared.kind === "voided") {
      if (!(await this.deps.repo.movePurchase(tx, purchase.id, "locked", "failed"))) return "ignored";
      after.push(async () => this.deps.changed(event.id));
      return "failed";
    }
    if (purchase.status === "paid" || purchase.status === "refunded")
      throw new Error(`purchase ${purchase.id} settled while its payment was prepared; retry`);
    const listing = await this.deps.repo.listing(purchase.listingId);
    assert(listing !== null, `listing ${purchase.listingId} vanished`);
    // Its seller's order refunded, or the ticket used at the door, since it was listed: the buyer is refunded.
    const paid = prepared.kind === "pay" && (await this.deps.repo.ticketStillSellable(tx, listing.ticketId));
    const status = paid ? "paid" : "refunded";
    const order = this.buyerOrder(purchase, listing, status);
    await this.deps.repo.insertBuyerOrder(tx, order, status, purchase.listingId);
    await this.move(tx, purchase, status, order.id, prepared.kind === "pay" ? prepared.slot : purchase.lockSlot);
    if (!paid) {
      const intent = await this.deps.refunds.record(
        tx,
        order,
        "resale: the listing was gone when the payment came",
        false,
      );
      after.push(() => this.deps.refunds.run(intent).then(() => undefined));
      return "refunded";
    }
    await issueTickets(tx, this.deps.codes, order);
    if (!(await this.deps.repo.markSold(tx, listing, purchase.priceCents)))
      throw new Error(
        `listing ${listing.id} is no longer listed though its unit was posted to purchase ${purchase.id}`,
      );
    after.push(
      async () => this.deps.changed(event.id),
      () => announce(this.deps.domainEvents, order, "order.paid", "paid", Date.now()),
      async () => this.deps.payouts?.run(listing.id),
    );
    return "paid";
  }

  private async move(tx: Tx, p: PurchaseRecord, to: "paid" | "refunded", orderId: string, lockSlot: LockSlot) {
    if (!(await this.deps.repo.movePurchase(tx, p.id, p.status, to, { orderId, lockSlot })))
      throw new Error(`purchase ${p.id} is no longer ${p.status}; retry`);
  }

  /** The buyer's order for the resold ticket: one item at the resale price (the fee on top), paid with the purchase's session. */
  private buyerOrder(p: PurchaseRecord, listing: ListingRecord, status: "paid" | "refunded"): OrderRecord {
    const id = uuidv7();
    const now = new Date().toISOString();
    return {
      ...{ id, eventId: p.eventId, fanId: p.buyerFanId, email: p.email, status },
      ...{ admissionJti: `resale:${p.id}`, holdId: p.id },
      items: [{ classId: listing.classId, code: listing.classCode, quantity: 1, unitPriceCents: listing.priceCents }],
      ...{ totalCents: p.totalCents, currency: p.currency, orderTokenHash: this.deps.orderTokens.of(id).hash },
      ...{ paymentProvider: p.paymentProvider, paymentSessionId: p.paymentSessionId, paymentUrl: null },
      ...{ expiresAt: now, createdAt: now, paidAt: now },
    };
  }
}
