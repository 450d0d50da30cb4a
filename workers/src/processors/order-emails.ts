// Order emails: every few seconds (MAIL_SWEEP_EVERY_MS), claim a bounded batch of orders owing a
// message — paid and not confirmed, refunded and not told — render each, send it, stamp it sent.
// Off the payment path: a payment only moves an order's status; this sweep notices. A claim is a
// lease (order-emails-repo.ts), so two workers processes do not send the same mail; a failed send
// backs off and is tried again. At least once: a crash (or a lost database) between the send and
// its stamp sends that message again once the lease runs out, with the same Message-ID.
import type { Processor } from "bullmq";
import type { ClaimedOrderEmail } from "@stampede/server/adapters/postgres/order-emails-repo";
import { orderMessage } from "@stampede/server/adapters/mail/order-messages";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";
import { runPacedSweep } from "./paced-sweep.js";

export const orderEmailsQueue = "order-emails";
/** Orders claimed per sweep: bounds one run (and what a crash leaves to the lease); the rest wait. */
export const emailBatchMax = 20;
/** Sends at once per process (the SMTP pool's connections are what bounds it). */
const sendConcurrency = 3;
/** How long a claim keeps other processes away: far above a batch's sends, each bounded by the
 * transport's timeouts (a message's 30 s socket timeout × batch / concurrency < this). */
export const emailLeaseMs = 5 * 60_000;
/** The longest wait between two tries of one message. */
const retryMaxMs = 30 * 60_000;

/** The wait after the nth failure: the sweep's period, doubling, at most retryMaxMs. */
export function retryDelayMs(failuresBefore: number, sweepEveryMs: number): number {
  return Math.min(sweepEveryMs * 2 ** Math.min(failuresBefore, 20), retryMaxMs);
}

type Outcome = "sent" | "failed";

async function sendOne(deps: ProcessorDeps, claimed: ClaimedOrderEmail): Promise<Outcome> {
  const { mail, logger } = deps;
  const { orderId, kind } = claimed;
  try {
    const content = await mail.emails.content(orderId);
    if (!content) throw new Error("order not found");
    const message = await orderMessage(kind, content, { from: mail.from, orderUrl: mail.orderUrl(orderId) });
    await mail.transport.send(message, `${kind}-${orderId}`);
  } catch (err) {
    const retryInMs = retryDelayMs(claimed.attempts, mail.sweepEveryMs);
    logger.warn({ err, orderId, kind, attempts: claimed.attempts + 1, retryInMs }, "order email not sent: will retry");
    // Unrecorded (the database is gone too), the lease runs out and the order is claimed again.
    await mail.emails.markFailed(orderId, String(err), retryInMs).catch(() => {});
    return "failed";
  }
  await mail.emails.markSent(orderId, kind);
  return "sent";
}

/** How long one sweep keeps claiming while batches come back full (a sale's burst of paid orders
 * is mailed in minutes, not one batch per period); far below the lease. */
const sweepBudgetMs = 60_000;
/** Messages per second one workers process renders and sends at most. A two-ticket confirmation
 * costs about 15 ms of CPU here (its QR PNGs 7, the MIME body and file 5): unpaced, a sale's burst
 * of confirmations took a third of a core from the checkout it was selling on (`npm run bench --
 * purchase`: workers 0.1 → 3 s of CPU in its 10 s); at 5 a second under a tenth of a core, and a
 * sale's 2,000 orders are mailed in 7 minutes by one workers process (faster with more). */
export const emailsPerSecondMax = 5;

/** One claimed batch, sent `sendConcurrency` at a time. */
async function sendBatch(deps: ProcessorDeps): Promise<{ claimed: number; sent: number }> {
  const claimed = await deps.mail.emails.claimDue(emailBatchMax, emailLeaseMs);
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) outcomes.push(await sendOne(deps, claimed[next++]!));
  };
  await Promise.all(Array.from({ length: Math.min(sendConcurrency, claimed.length) }, lane));
  return { claimed: claimed.length, sent: outcomes.filter((o) => o === "sent").length };
}

export function createOrderEmailSweep(deps: ProcessorDeps): Processor {
  return () =>
    runPacedSweep({
      sendBatch: () => sendBatch(deps),
      batchMax: emailBatchMax,
      budgetMs: sweepBudgetMs,
      perSecondMax: emailsPerSecondMax,
      logger: deps.logger,
      what: "order emails swept",
    });
}

export const orderEmailsProcessor: ProcessorEntry = {
  queue: orderEmailsQueue,
  concurrency: 1,
  create: createOrderEmailSweep,
  schedule: (deps) => ({ id: "sweep-order-emails", everyMs: deps.mail.sweepEveryMs }),
};
