// A sweep of one kind of notice email (resale notices, waiting-list offers): every few seconds
// (MAIL_SWEEP_EVERY_MS) claim the due notices — a claim is a lease, so two workers processes do not
// send one twice —, send each, stamp it sent, or back it off to be tried again. Paced like the order
// emails, so a burst of notices never takes the CPU a sale is selling on. At least once: a crash
// between a send and its stamp sends the notice again, with the same Message-ID.
import type { Processor } from "bullmq";
import { emailLeaseMs, emailsPerSecondMax, retryDelayMs } from "./order-emails.js";
import { runPacedSweep } from "./paced-sweep.js";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";

/** Notices claimed per sweep: bounds one run (and what a crash leaves to the lease); the rest wait. */
const batchMax = 20;
/** How long one sweep keeps claiming while batches come back full; far below the lease. */
const sweepBudgetMs = 60_000;

export interface NoticeKind<C extends { attempts: number }> {
  queue: string;
  /** The notice in log lines ("resale notice"). */
  what: string;
  claimDue(deps: ProcessorDeps, limit: number, leaseMs: number): Promise<C[]>;
  /** Renders and sends the notice (nothing when there is no one left to write to). */
  send(deps: ProcessorDeps, claimed: C): Promise<void>;
  markSent(deps: ProcessorDeps, claimed: C): Promise<void>;
  markFailed(deps: ProcessorDeps, claimed: C, error: string, retryInMs: number): Promise<void>;
}

async function sendOne<C extends { attempts: number }>(
  kind: NoticeKind<C>,
  deps: ProcessorDeps,
  claimed: C,
): Promise<boolean> {
  try {
    await kind.send(deps, claimed);
  } catch (err) {
    const retryInMs = retryDelayMs(claimed.attempts, deps.mail.sweepEveryMs);
    const fields: Record<string, unknown> = { err, ...claimed, attempts: claimed.attempts + 1, retryInMs };
    deps.logger.warn(fields, `${kind.what} not sent: will retry`);
    // Unrecorded (the database is gone too), the lease runs out and the notice is claimed again.
    await kind.markFailed(deps, claimed, String(err), retryInMs).catch(() => {});
    return false;
  }
  await kind.markSent(deps, claimed);
  return true;
}

/** The processor that sweeps one kind of notice, scheduled every MAIL_SWEEP_EVERY_MS. */
export function noticeSweep<C extends { attempts: number }>(kind: NoticeKind<C>): ProcessorEntry {
  const sendBatch = async (deps: ProcessorDeps) => {
    const claimed = await kind.claimDue(deps, batchMax, emailLeaseMs);
    let sent = 0;
    // One after another: notices trickle in, a handful per sweep at most.
    for (const c of claimed) if (await sendOne(kind, deps, c)) sent++;
    return { claimed: claimed.length, sent };
  };
  const create =
    (deps: ProcessorDeps): Processor =>
    () =>
      runPacedSweep({
        sendBatch: () => sendBatch(deps),
        batchMax,
        budgetMs: sweepBudgetMs,
        perSecondMax: emailsPerSecondMax,
        logger: deps.logger,
        what: `${kind.what}s swept`,
      });
  return {
    queue: kind.queue,
    concurrency: 1,
    create,
    schedule: (deps) => ({ id: `sweep-${kind.queue}`, everyMs: deps.mail.sweepEveryMs }),
  };
}
