// Waiting-list notices: every few seconds (MAIL_SWEEP_EVERY_MS), claim the offers made to signed-in
// fans on a waiting list that were not mailed yet, send each "a ticket came back for you" (until when,
// and the event page to claim it on), stamp it sent. Off the admission path, like the resale notices:
// the ticker only writes the row. A claim is a lease (waitlist-repo.ts), so two workers processes do
// not send one twice; a failed send backs off and is tried again, with the same Message-ID.
import type { Processor } from "bullmq";
import type { ClaimedWaitlistNotice } from "@stampede/server/adapters/postgres/waitlist-repo";
import { waitlistOfferMessage } from "@stampede/server/adapters/mail/waitlist-messages";
import { emailLeaseMs, emailsPerSecondMax, retryDelayMs } from "./order-emails.js";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";
import { runPacedSweep } from "./paced-sweep.js";

export const waitlistNoticesQueue = "waitlist-notices";
const batchMax = 20;
const sweepBudgetMs = 60_000;

async function sendOne(deps: ProcessorDeps, claimed: ClaimedWaitlistNotice): Promise<boolean> {
  const { mail, logger } = deps;
  try {
    const content = await mail.waitlist.content(claimed);
    // No account any more: nobody to write to, and nothing to retry.
    if (content) {
      const message = waitlistOfferMessage(content, { from: mail.from, eventUrl: mail.eventUrl(claimed.eventId) });
      await mail.transport.send(message, `waitlist-offer-${claimed.eventId}-${claimed.fanId}-${claimed.jti}`);
    }
  } catch (err) {
    const retryInMs = retryDelayMs(claimed.attempts, mail.sweepEveryMs);
    logger.warn({ err, ...claimed, retryInMs }, "waiting-list notice not sent: will retry");
    await mail.waitlist.markFailed(claimed, String(err), retryInMs).catch(() => {});
    return false;
  }
  await mail.waitlist.markSent(claimed);
  return true;
}

async function sendBatch(deps: ProcessorDeps): Promise<{ claimed: number; sent: number }> {
  const claimed = await deps.mail.waitlist.claimDue(batchMax, emailLeaseMs);
  let sent = 0;
  for (const c of claimed) if (await sendOne(deps, c)) sent++;
  return { claimed: claimed.length, sent };
}

export function createWaitlistNoticeSweep(deps: ProcessorDeps): Processor {
  return () =>
    runPacedSweep({
      sendBatch: () => sendBatch(deps),
      batchMax,
      budgetMs: sweepBudgetMs,
      perSecondMax: emailsPerSecondMax,
      logger: deps.logger,
      what: "waiting-list notices swept",
    });
}

export const waitlistNoticesProcessor: ProcessorEntry = {
  queue: waitlistNoticesQueue,
  concurrency: 1,
  create: createWaitlistNoticeSweep,
  schedule: (deps) => ({ id: "sweep-waitlist-notices", everyMs: deps.mail.sweepEveryMs }),
};
