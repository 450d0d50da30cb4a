// Cancelled events' refunds, run by every server node beside its pending-refund resumer: every few
// seconds, end the holds still open on cancelled events (the fan's cancel path: void in the ledger,
// order cancelled), put orders paid after the cancel (late payments) on the work list, then claim
// bounded batches of orders to refund and refund each through the admin refund path
// (Settlement.refund: the order moves to refunded with its tickets void and a refund intent, the
// provider refunds, the stock returns). A claim is a lease (event-cancellations-repo.ts), so two
// nodes do not refund one order at once; and a refund of an order already refunded answers
// unchanged, so a crash between the refund and its stamp only stamps it on the next claim. State
// is in PostgreSQL: a restarted node resumes.
import type { SettleResult } from "@stampede/shared/core/settle-common";
import type { ClaimedRefund, EventCancellationsRepo } from "../../adapters/postgres/event-cancellations-repo.js";
import type { Logger } from "../../logger.js";

/** How often the sweep runs: a cancel's first refunds start within this. */
export const cancellationSweepEveryMs = 2_000;
/** Orders claimed per batch: bounds what a crash leaves to the lease. */
export const refundBatchMax = 20;
/** Refunds at once per node (each a short transaction, a provider call and a ledger return). */
const refundConcurrency = 4;
/** How long a claim keeps other nodes away: far above a batch's refunds, each bounded by the provider's timeouts. */
export const refundLeaseMs = 5 * 60_000;
/** Tries of one order before it counts as failed (an operator refunds it by hand). */
export const refundAttemptsMax = 5;
/** Holds of cancelled events ended per sweep. */
const holdsEndedMax = 100;
/** How long one sweep keeps claiming while batches come back full; far below the lease. */
const sweepBudgetMs = 30_000;

/** The wait after the nth failure: the sweep's period, doubling, at most a minute. */
export function refundRetryMs(failuresBefore: number): number {
  return Math.min(cancellationSweepEveryMs * 2 ** Math.min(failuresBefore, 10), 60_000);
}

export interface CancellationSweepDeps {
  cancellations: EventCancellationsRepo;
  /** The admin refund path (Settlement.refund): an order already refunded answers unchanged. */
  refund(orderId: string): Promise<SettleResult>;
  /** The fan's cancel of a held order (HoldEnding.cancel). */
  endHold(orderId: string): Promise<{ kind: string }>;
  logger: Pick<Logger, "info" | "warn" | "error">;
}

type Outcome = "refunded" | "failed" | "retry";

export interface SweepSummary {
  holdsEnded: number;
  latePaid: number;
  refunded: number;
  failed: number;
  retry: number;
}

export class CancellationSweep {
  constructor(private readonly deps: CancellationSweepDeps) {}

  /** One sweep: holds ended, late payments listed, batches refunded while they come back full. */
  async sweep(): Promise<SweepSummary> {
    const started = Date.now();
    const holdsEnded = await this.endHolds();
    const latePaid = await this.deps.cancellations.addLatePaid();
    const outcomes: Outcome[] = [];
    for (;;) {
      const batch = await this.refundBatch();
      outcomes.push(...batch);
      if (batch.length < refundBatchMax || Date.now() - started >= sweepBudgetMs) break;
    }
    const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
    const summary = {
      holdsEnded,
      latePaid,
      refunded: count("refunded"),
      failed: count("failed"),
      retry: count("retry"),
    };
    if (outcomes.length > 0 || holdsEnded > 0) this.deps.logger.info(summary, "cancelled events swept");
    return summary;
  }

  /** Sweeps now and then every `everyMs`, never two at once; returns a stop function. */
  start(everyMs = cancellationSweepEveryMs): () => void {
    let running = false;
    const tick = (): void => {
      if (running) return;
      running = true;
      this.sweep()
        .catch((err: unknown) => this.deps.logger.warn({ err }, "cancelled events' sweep failed; next try later"))
        .finally(() => (running = false));
    };
    tick();
    const timer = setInterval(tick, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async refundOne(claimed: ClaimedRefund): Promise<Outcome> {
    const { cancellations, logger } = this.deps;
    const { orderId } = claimed;
    try {
      const result = await this.deps.refund(orderId);
      if (result.kind === "moved" || result.kind === "unchanged") {
        await cancellations.settle(orderId, "refunded");
        return "refunded";
      }
      // Not paid (never short of a manual change): nothing to give back; counted, for a person to look at.
      const why = result.kind === "conflict" ? `the order is ${result.status}` : "the order is gone";
      logger.error({ orderId, why }, "cancelled event's order not refunded");
      await cancellations.settle(orderId, "failed", why);
      return "failed";
    } catch (err) {
      return this.failed(claimed, err);
    }
  }

  private async failed(claimed: ClaimedRefund, err: unknown): Promise<Outcome> {
    const { cancellations, logger } = this.deps;
    const { orderId } = claimed;
    const attempts = claimed.attempts + 1;
    if (attempts >= refundAttemptsMax) {
      logger.error({ err, orderId, attempts }, "cancelled event's order not refunded: giving up");
      await cancellations.settle(orderId, "failed", String(err)).catch(() => {});
      return "failed";
    }
    const retryInMs = refundRetryMs(claimed.attempts);
    logger.warn({ err, orderId, attempts, retryInMs }, "cancelled event's refund failed: will retry");
    // Unrecorded (the database is gone too), the lease runs out and the order is claimed again.
    await cancellations.retryLater(orderId, String(err), retryInMs).catch(() => {});
    return "retry";
  }

  /** One claimed batch, `refundConcurrency` at a time. */
  private async refundBatch(): Promise<Outcome[]> {
    const claimed = await this.deps.cancellations.claimDue(refundBatchMax, refundLeaseMs);
    const outcomes: Outcome[] = [];
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) outcomes.push(await this.refundOne(claimed[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(refundConcurrency, claimed.length) }, lane));
    return outcomes;
  }

  /** Ends the holds still open on cancelled events; returns how many ended here. */
  private async endHolds(): Promise<number> {
    const held = await this.deps.cancellations.heldOrders(holdsEndedMax);
    const results = await Promise.all(held.map((orderId) => this.deps.endHold(orderId)));
    return results.filter((r) => r.kind === "moved").length;
  }
}
