// Sellers' resale payouts. The sale's transaction records the payout (resale_payouts, with the
// listing sold); the provider call runs after that commit, outside any transaction, keyed by the
// listing id, so a repeat — a resume after a crash or an outage, or two nodes at once — returns the
// same payout. A failed call leaves the row pending (attempts, last_error) for resumePending. A
// provider without payouts (Stripe: that would need Connect) leaves it for a person, marked once.
// The rows: adapters/postgres/resale-payouts-repo.ts.
import { providerFor } from "@stampede/shared/core/payment-providers";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { Logger } from "../../logger.js";
import type { PayoutRecord, ResalePayoutsRepo } from "../../adapters/postgres/resale-payouts-repo.js";

/** Each server node looks for payouts left pending this often. */
export const payoutResumeEveryMs = 5_000;
/** A pending payout younger than this is still being run by the settlement that recorded it. */
export const payoutResumeAfterSeconds = 10;
/** Payouts one resume runs at most (one after another). */
export const payoutResumeBatch = 50;

export interface ResalePayoutsDeps {
  repo: Pick<ResalePayoutsRepo, "get" | "pending" | "markPaid" | "markFailed" | "markCannotPayOut">;
  providers: PaymentProviders;
  logger: Logger;
}

export class ResalePayouts {
  constructor(private readonly deps: ResalePayoutsDeps) {}

  /** Pays out a sold listing's payout, if it is still pending. Never throws for a failed payout: it stays pending. */
  async run(listingId: string): Promise<void> {
    try {
      const payout = await this.deps.repo.get(listingId);
      if (payout && payout.payoutId === null) await this.pay(payout);
    } catch (err) {
      this.deps.logger.warn({ err, listingId }, "resale payout not recorded; resumed later");
    }
  }

  /**
   * Runs the payouts still pending (after a crash or a provider outage) recorded at least
   * `olderThanSeconds` ago, at most `limit` of them; returns how many were paid.
   */
  async resumePending(limit = payoutResumeBatch, olderThanSeconds = payoutResumeAfterSeconds): Promise<number> {
    let paid = 0;
    for (const payout of await this.deps.repo.pending(limit, olderThanSeconds)) if (await this.pay(payout)) paid++;
    return paid;
  }

  /** Resumes pending payouts now and then every `everyMs` (each server node); returns a stop function. */
  startResuming(everyMs = payoutResumeEveryMs): () => void {
    const resume = (): void => {
      this.resumePending().then(
        (paid) => {
          if (paid > 0) this.deps.logger.info({ paid }, "resumed pending resale payouts");
        },
        (err: unknown) => this.deps.logger.warn({ err }, "resuming pending resale payouts failed; next try later"),
      );
    };
    resume();
    const timer = setInterval(resume, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** One provider call and its stamp; returns whether the payout is paid. */
  private async pay(payout: PayoutRecord): Promise<boolean> {
    const { listingId } = payout;
    let payoutId: string;
    try {
      const provider = providerFor(this.deps.providers, payout.provider);
      if (!provider.payout) {
        if (await this.deps.repo.markCannotPayOut(listingId))
          this.deps.logger.warn(
            { listingId, provider: payout.provider },
            "provider cannot pay out; resale payout left pending",
          );
        return false;
      }
      ({ payoutId } = await provider.payout({
        ...{ payoutKey: listingId, amountCents: payout.amountCents, currency: payout.currency },
        ...{ recipient: payout.sellerAccountId, description: `Stampede resale payout, listing ${listingId}` },
      }));
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.deps.logger.warn({ err, listingId }, "resale payout failed; left pending");
      await this.deps.repo.markFailed(listingId, message);
      return false;
    }
    await this.deps.repo.markPaid(listingId, payoutId);
    this.deps.logger.info({ listingId, payoutId, amountCents: payout.amountCents }, "resale payout paid");
    return true;
  }
}
