// Resale notices: every few seconds (MAIL_SWEEP_EVERY_MS), claim the sold listings whose seller was
// not told, send each seller "your ticket was resold" (the ticket now void, the payout, their account
// page), stamp it sent. Off the payment path, like order emails: the settlement only marks the
// listing sold; this sweep notices. A claim is a lease (resale-notices-repo.ts), so two workers
// processes do not send one notice twice; a failed send backs off and is tried again. At least once:
// a crash between the send and its stamp sends the notice again, with the same Message-ID.
import type { Processor } from "bullmq";
import type { ClaimedResaleNotice } from "@stampede/server/adapters/postgres/resale-notices-repo";
import { resaleSoldMessage } from "@stampede/server/adapters/mail/resale-messages";
import { emailLeaseMs, emailsPerSecondMax, retryDelayMs } from "./order-emails.js";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";
import { runPacedSweep } from "./paced-sweep.js";

export const resaleNoticesQueue = "resale-notices";
/** Listings claimed per sweep: bounds one run (and what a crash leaves to the lease); the rest wait. */
const batchMax = 20;
/** How long one sweep keeps claiming while batches come back full; far below the lease. */
const sweepBudgetMs = 60_000;

async function sendOne(deps: ProcessorDeps, claimed: ClaimedResaleNotice): Promise<boolean> {
  const { mail, logger } = deps;
  const { listingId } = claimed;
  try {
    const content = await mail.resaleNotices.content(listingId);
    if (!content) throw new Error("sold listing not found");
    const message = resaleSoldMessage(content, { from: mail.from, accountUrl: mail.accountUrl });
    await mail.transport.send(message, `resale-sold-${listingId}`);
  } catch (err) {
    const retryInMs = retryDelayMs(claimed.attempts, mail.sweepEveryMs);
    logger.warn({ err, listingId, attempts: claimed.attempts + 1, retryInMs }, "resale notice not sent: will retry");
    // Unrecorded (the database is gone too), the lease runs out and the listing is claimed again.
    await mail.resaleNotices.markFailed(listingId, String(err), retryInMs).catch(() => {});
    return false;
  }
  await mail.resaleNotices.markSent(listingId);
  return true;
}

/** One claimed batch, sent one after another (resales trickle in; a handful per sweep at most). */
async function sendBatch(deps: ProcessorDeps): Promise<{ claimed: number; sent: number }> {
  const claimed = await deps.mail.resaleNotices.claimDue(batchMax, emailLeaseMs);
  let sent = 0;
  for (const c of claimed) if (await sendOne(deps, c)) sent++;
  return { claimed: claimed.length, sent };
}

export function createResaleNoticeSweep(deps: ProcessorDeps): Processor {
  // Paced like the order emails: a burst of resales never takes the CPU a sale is selling on.
  return () =>
    runPacedSweep({
      sendBatch: () => sendBatch(deps),
      batchMax,
      budgetMs: sweepBudgetMs,
      perSecondMax: emailsPerSecondMax,
      logger: deps.logger,
      what: "resale notices swept",
    });
}

export const resaleNoticesProcessor: ProcessorEntry = {
  queue: resaleNoticesQueue,
  concurrency: 1,
  create: createResaleNoticeSweep,
  schedule: (deps) => ({ id: "sweep-resale-notices", everyMs: deps.mail.sweepEveryMs }),
};
