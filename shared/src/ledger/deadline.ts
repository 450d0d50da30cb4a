// Every ledger call has a deadline: past it the caller hears "unavailable, retry with the same
// ids" instead of waiting on a backend that may never answer (TigerBeetle's client retries forever).
import { LedgerUnavailableError } from "./port.js";

export function withDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LedgerUnavailableError(`ledger ${what}: no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  // The abandoned call may still settle later; its outcome is dropped on purpose (the caller retries).
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
