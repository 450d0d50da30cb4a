// A deadline on work that may never settle (a client that retries forever, a queue that waits for
// Redis forever, a dependency check): past it the caller hears an error instead of waiting. The
// work itself is not stopped; whatever it does later is dropped, so it must be safe to abandon.

/** The work did not settle within its deadline (the default error of withDeadline). */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * The work's own outcome if it settles within `ms`; else a rejection with `fail("<what>: no
 * answer within <ms> ms")` (a DeadlineError unless the caller names its own error class).
 *
 * The timer is cleared as soon as the work settles and never keeps the process alive (pending
 * work that can still settle holds the process open by its own socket or timer).
 * Not AbortSignal.timeout: its timer cannot be cleared, so each settled call (thousands a second
 * on the ledger) would leave one pending until it fires.
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  fail: (message: string) => Error = (message) => new DeadlineError(message),
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(fail(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
    // Also handles a rejection that comes after the deadline: it is dropped, never "unhandled".
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
