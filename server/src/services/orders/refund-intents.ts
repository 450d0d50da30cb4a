// Refunds the shop has decided on. The decision (the order's move to refunded) and the intent row
// commit together; the provider call and the stock return run after that commit, outside any
// transaction, so no row lock is held while waiting on the provider or the ledger. Both effects
// are idempotent (the provider per session, the ledger return per order), so a pending intent left
// by a crash or an outage is simply run again (resumePending).
import { planReturn } from "@stampede/shared/core/stock";
import { settleOutcome } from "@stampede/shared/core/ledger-plans";
import type { Ledger } from "@stampede/shared/ledger/port";
import { refundResumeAfterSeconds, refundResumeEveryMs } from "@stampede/shared/limits";
import type { Pool, PoolClient } from "../../adapters/postgres/pool.js";
import type { Logger } from "../../logger.js";
import type { PaymentProviderName } from "@stampede/shared/api/events";
import { providerFor } from "@stampede/shared/core/payment-providers";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { EventsRepo } from "../../adapters/postgres/events-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import { assertSettled } from "@stampede/shared/core/settle-common";

export interface RefundIntent {
  orderId: string;
  /** Where the money was taken: the refund goes there. */
  provider: PaymentProviderName;
  sessionId: string;
  reason: string;
  returnStock: boolean;
}

/** Inside the transaction that moves the order to refunded. */
export async function recordRefund(
  client: PoolClient,
  order: OrderRecord,
  reason: string,
  returnStock: boolean,
): Promise<RefundIntent> {
  const intent = {
    orderId: order.id,
    provider: order.paymentProvider,
    sessionId: order.paymentSessionId ?? "",
    reason,
    returnStock,
  };
  await client.query(
    "INSERT INTO refund_intents (order_id, session_id, reason, return_stock) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [intent.orderId, intent.sessionId, reason, returnStock],
  );
  return intent;
}

export interface RefundRunnerDeps {
  pool: Pool;
  ledger: Ledger;
  /** Event records (a cache serves: a refund reads only the event's ledger ids). */
  events: Pick<EventsRepo, "get">;
  providers: PaymentProviders;
  logger: Logger;
}

export class RefundRunner {
  constructor(private readonly deps: RefundRunnerDeps) {}

  /** Runs one intent's effects (never inside a transaction); returns whether it is done. */
  async run(intent: RefundIntent): Promise<boolean> {
    if (intent.returnStock) await this.returnStock(intent.orderId);
    const provider = providerFor(this.deps.providers, intent.provider);
    const refund = await provider.refund({ sessionId: intent.sessionId, reason: intent.reason });
    if (refund.kind !== "refunded") {
      // Left pending: a paid session the provider will not refund is for a person to look at.
      this.deps.logger.error({ orderId: intent.orderId, refund }, "provider refused a refund; left pending");
      return false;
    }
    await this.deps.pool.query("UPDATE refund_intents SET done_at = now() WHERE order_id = $1 AND done_at IS NULL", [
      intent.orderId,
    ]);
    this.deps.logger.info({ orderId: intent.orderId, refund, reason: intent.reason }, "refunded");
    return true;
  }

  /**
   * Runs the intents still pending (after a crash or a provider outage) that are older than
   * `olderThanSeconds` — younger ones are still being run by the request that recorded them (running
   * one twice is harmless: ledger ids and the provider's refund are idempotent, but it costs).
   * Returns how many finished.
   */
  async resumePending(limit = 100, olderThanSeconds = refundResumeAfterSeconds): Promise<number> {
    const { rows } = await this.deps.pool.query<{
      order_id: string;
      provider: PaymentProviderName;
      session_id: string;
      reason: string;
      return_stock: boolean;
    }>(
      `SELECT r.order_id, o.payment_provider AS provider, r.session_id, r.reason, r.return_stock
         FROM refund_intents r JOIN orders o ON o.id = r.order_id
        WHERE r.done_at IS NULL AND r.created_at <= now() - make_interval(secs => $2) ORDER BY r.created_at LIMIT $1`,
      [limit, olderThanSeconds],
    );
    let done = 0;
    for (const r of rows)
      if (
        await this.run({
          orderId: r.order_id,
          provider: r.provider,
          sessionId: r.session_id,
          reason: r.reason,
          returnStock: r.return_stock,
        })
      )
        done++;
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
    const { rows } = await this.deps.pool.query<{ event_id: string; fan_id: string; items: OrderRecord["items"] }>(
      "SELECT event_id, fan_id, items FROM orders WHERE id = $1",
      [orderId],
    );
    const order = rows[0];
    if (!order) throw new Error(`refund intent for a missing order ${orderId}`);
    const event = await this.deps.events.get(order.event_id);
    if (!event) throw new Error(`order ${orderId} refers to a missing event`);
    const plan = planReturn({
      ledger: event.ledger,
      orderId,
      fanId: order.fan_id,
      items: order.items.map((i) => ({ tierId: i.classId, quantity: i.quantity })),
    });
    assertSettled(settleOutcome(await this.deps.ledger.createTransfers(plan)), "return");
  }
}
