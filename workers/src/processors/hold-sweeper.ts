// Layer 3 of hold expiry: every few seconds, end the holds still `held` past their expiry (a lost
// delayed job, a Redis flush, workers that were down). Layer 1 — the ledger's own timeout — has
// already returned the stock by then; this makes the orders and the slots agree. It also prunes
// Idempotency-Keys older than a day, a bounded number per run.
import type { Processor } from "bullmq";
import { holdRequestsKeptMs, pruneHoldRequests } from "@stampede/server/adapters/postgres/hold-requests";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";

export const holdSweeperQueue = "hold-sweeper";
/** How often the sweeper runs: with the ledger timeout, stock is back within holdSeconds + this. */
export const holdSweepEveryMs = 5_000;
/** Orders ended per sweep: bounds one run; the rest wait for the next. */
const sweepBatchMax = 500;

export function createHoldSweeper(deps: ProcessorDeps): Processor {
  return async () => {
    const { due, expired } = await deps.ending.expireDue(sweepBatchMax);
    if (expired > 0) deps.logger.info({ expired }, "sweeper ended overdue holds");
    const pruned = await pruneHoldRequests(deps.pool, new Date(Date.now() - holdRequestsKeptMs), sweepBatchMax);
    return { due, expired, pruned };
  };
}

export const holdSweeperProcessor: ProcessorEntry = {
  queue: holdSweeperQueue,
  concurrency: 1,
  create: createHoldSweeper,
  schedule: { id: "sweep-overdue-holds", everyMs: holdSweepEveryMs },
};
