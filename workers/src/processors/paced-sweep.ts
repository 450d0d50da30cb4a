// The loop of a mail sweep (order emails, resale notices): claim a batch, send it, and while
// batches come back full go on — within a time budget, and at most emailsPerSecondMax messages a
// second, so a burst of mail never takes the CPU a sale is selling on.
import type { Logger } from "@stampede/server/logger";

export interface SweepTotals {
  claimed: number;
  sent: number;
  failed: number;
}

export interface PacedSweep {
  /** Claims and sends one batch; how many it claimed and how many went out. */
  sendBatch(): Promise<{ claimed: number; sent: number }>;
  batchMax: number;
  /** How long one sweep keeps claiming while batches come back full. */
  budgetMs: number;
  perSecondMax: number;
  logger: Logger;
  /** What the log line says was swept ("order emails swept"). */
  what: string;
}

export async function runPacedSweep(sweep: PacedSweep): Promise<SweepTotals> {
  const started = Date.now();
  const total = { claimed: 0, sent: 0 };
  for (;;) {
    const batchStarted = Date.now();
    const batch = await sweep.sendBatch();
    total.claimed += batch.claimed;
    total.sent += batch.sent;
    if (batch.claimed < sweep.batchMax || Date.now() - started >= sweep.budgetMs) break;
    const paceMs = (batch.claimed / sweep.perSecondMax) * 1_000 - (Date.now() - batchStarted);
    if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
  const failed = total.claimed - total.sent;
  if (total.claimed > 0) sweep.logger.info({ sent: total.sent, failed }, sweep.what);
  return { ...total, failed };
}
