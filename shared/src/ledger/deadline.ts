// Every ledger call has a deadline: past it the caller hears "unavailable, retry with the same
// ids" instead of waiting on a backend that may never answer (TigerBeetle's client retries forever).
import { withDeadline } from "../deadline.js";
import { LedgerUnavailableError } from "./port.js";

/** withDeadline whose expiry is a LedgerUnavailableError; the abandoned call's later outcome is dropped (the caller retries). */
export function withLedgerDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  return withDeadline(work, deadlineMs, `ledger ${what}`, (message) => new LedgerUnavailableError(message));
}
