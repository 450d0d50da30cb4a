// Cancelling an event (contract: admin API): the admin's request and the cancellation's progress
// as `POST /api/admin/events/:id/cancel` (202) and `GET /api/admin/events/:id/cancellation` answer
// it. The server's routes validate and check against these; the dashboard reads the same type.
import { z } from "zod";

/** The longest reason an admin may give (shown to no fan; kept with the cancellation). */
export const cancelReasonLengthMax = 500;

/** `POST /api/admin/events/:eventId/cancel`: an optional reason, nothing else. */
export const cancelEventInput = z.strictObject({
  reason: z.string().trim().max(cancelReasonLengthMax, `at most ${cancelReasonLengthMax} characters`).optional(),
});
export type CancelEventInput = z.output<typeof cancelEventInput>;

const count = z.int().min(0);

/** The refunds of a cancelled event: `refunding` while some paid order is still to refund, then `done`. */
export const cancellationView = z.strictObject({
  eventId: z.string(),
  status: z.enum(["refunding", "done"]),
  paidOrders: count,
  refunded: count,
  failed: count,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type CancellationView = z.output<typeof cancellationView>;
