// Refunds the shop has decided on. The decision (the order's move to refunded) and the intent row
// commit together; the provider call and the stock return run after that commit, outside any
// transaction, so no row lock is held while waiting on the provider or the ledger. Both effects
// are idempotent (the provider per session, the ledger return per order), so a pending intent left
// by a crash or an outage is simply run again (resumePending). The rows: adapters/postgres/refund-intents-repo.ts.
import { planReturn } from "@stampede/shared/core/stock";
import { settleOutcome } from "@stampede/shared/core/ledger-plans";
import type { Ledger } from "@stampede/shared/ledger/port";
import { refundResumeAfterSeconds, refundResumeEveryMs } from "@stampede/shared/limits";
import type { Tx } from "@stampede/shared/ports/transaction";
import type { Logger } from "../../logger.js";
import { providerFor } from "@stampede/shared/core/payment-providers";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { EventsRepo } from "../../adapters/postgres/events-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import type { RefundIntent, RefundIntentsRepo } from "../../adapters/postgres/refund-intents-repo.js";
import { assertSettled } from "@stampede/shared/core/settle-common";

export type { RefundIntent };

export interface RefundRunnerDeps {
  refundIntents: RefundIntentsRepo;
  ledger: Ledger;
  /** Event records (a cache serves: a refund reads only the event's ledger ids). */
  events: Pick<EventsRepo, "get">;
  providers: PaymentProviders;
  logger: Logger;
}

export class RefundRunner {
  constructor(private readonly deps: RefundRunnerDeps) {}

  /**
   * Inside the transaction that moves the order to refunded. A ticket of it that was resold is not
   * refunded: its buyer holds the seat and its seller was paid for it, so the refund is the order's
   * total less those tickets' face value (a partial refund); the whole session when none was.
   */
  async record(tx: Tx, order: OrderRecord, reason: string, returnStock: boolean): Promise<RefundIntent> {
    const resold = await this.deps.refundIntents.resoldPerClass(tx, order.id);
    const intent = {
      orderId: order.id,
      provider: order.paymentProvider,
      sessionId: order.paymentSessionId ?? "",
      reason,
      returnStock,
      amountCents: refundAmount(order, resold),
    };
    await this.deps.refundIntents.record(tx, intent);
    return intent;
  }

  /** Runs one intent's effects (never inside a transaction); returns whether it is done. */
  async run(intent: RefundIntent): Promise<boolean> {
    if (intent.returnStock) await this.returnStock(intent.orderId);
    if (intent.amountCents === 0) {
      // Every ticket was resold: nothing of the payment is the fan's to get back.
      await this.deps.refundIntents.markDone(intent.orderId);
      this.deps.logger.info({ orderId: intent.orderId, reason: intent.reason }, "refunded: nothing to pay back");
      return true;
    }
    const provider = providerFor(this.deps.providers, intent.provider);
    const { sessionId, reason, amountCents } = intent;
    const refund = await provider.refund({ sessionId, reason, ...(amountCents === null ? {} : { amountCents }) });
    if (refund.kind !== "refunded") {
      // Left pending: a paid session the provider will not refund is for a person to look at.
      this.deps.logger.error({ orderId: intent.orderId, refund }, "provider refused a refund; left pending");
      return false;
    }
    await this.deps.refundIntents.markDone(intent.orderId);
    this.deps.logger.info({ orderId: intent.orderId, refund, amountCents, reason }, "refunded");
    return true;
  }

  /**
   * Runs the intents still pending (after a crash or a provider outage) that are older than
   * `olderThanSeconds` — younger ones are still being run by the request that recorded them (running
   * one twice is harmless: ledger ids and the provider's refund are idempotent, but it costs).
   * Returns how many finished.
   */
  async resumePending(limit = 100, olderThanSeconds = refundResumeAfterSeconds): Promise<number> {
    let done = 0;
    for (const intent of await this.deps.refundIntents.pending(limit, olderThanSeconds))
      if (await this.run(intent)) done++;
    return done;
  }

  /** Resumes pending intents now and then every `everyMs` (each server node); returns a stop function. */
  startResuming(everyMs = refundResumeEveryMs): () => void {
    const resume = (): void => {
      this.resumePending().then(
        (done) => {
          if (done > 0) this.deps.logger.info({ done }, "resumed pending refunds");
        },
        (err: unknown) => this.deps.logger.warn({ err }, "resuming pending refunds failed; next try later"),
      );
    };
    resume();
    const timer = setInterval(resume, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async returnStock(orderId: string): Promise<void> {
    const order = await this.deps.refundIntents.refundedStock(orderId);
    if (!order) throw new Error(`refund intent for a missing order ${orderId}`);
    if (order.items.length === 0) return; // every ticket of it was resold: their buyers hold the seats
    const event = await this.deps.events.get(order.eventId);
    if (!event) throw new Error(`order ${orderId} refers to a missing event`);
    const plan = planReturn({
      ledger: event.ledger,
      orderId,
      fanId: order.fanId,
      items: order.items.map((i) => ({ tierId: i.classId, quantity: i.quantity })),
      codeId: order.codeId,
    });
    assertSettled(settleOutcome(await this.deps.ledger.createTransfers(plan)), "return");
  }
}

/**
 * What a refund of the order gives back: null (the whole session) when none of its tickets was
 * resold, else its total less each resold ticket's unit price (its class's, from the order's items),
 * never below 0. The total is the items' prices plus, for a resale purchase, the buyer's fee: that
 * stays in the amount refunded.
 */
export function refundAmount(
  order: Pick<OrderRecord, "items" | "totalCents">,
  resold: ReadonlyMap<string, number>,
): number | null {
  let kept = order.totalCents;
  for (const [classId, n] of resold) {
    const item = order.items.find((i) => i.classId === classId);
    if (!item) throw new Error(`a resold ticket of class ${classId} is not among the order's items`);
    kept -= item.unitPriceCents * Math.min(n, item.quantity);
  }
  return kept === order.totalCents ? null : Math.max(kept, 0);
}
