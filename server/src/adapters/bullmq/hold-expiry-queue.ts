// The hold-expiry queue and its jobs, named once for both sides: the server adds the jobs
// (composition/checkout.ts), the workers run them (workers/src/processors/hold-expiry.ts).

/** BullMQ queue of the expiry jobs: one per second in which holds expire (`expire-<unix second>`),
 * run by the workers as that second ends; it ends every hold due by then. */
export const holdExpiryQueue = "hold-expiry";

/** The expiry job of the holds expiring at expiresAtMs: due when their second has ended. */
export function expiryJob(expiresAtMs: number): { jobId: string; dueAtMs: number } {
  const second = Math.ceil(expiresAtMs / 1000);
  return { jobId: `expire-${second}`, dueAtMs: second * 1000 };
}
