// Fans' own refunds (contract: an event's refund window): the admin's policy and what an order's
// page asks before offering "Request a refund". Shared by the server's routes and the client.
import { z } from "zod";

/** The longest window an operator may give: a year, in hours. */
export const refundWindowHoursMax = 8_760;

/** `PUT /api/admin/events/:eventId/refund-policy`: how many hours after paying a fan may ask for
 * their money back (0: fans cannot; the default). Never after the event has started. */
export const refundPolicyInput = z.strictObject({
  refundWindowHours: z.int().min(0).max(refundWindowHoursMax),
});
export type RefundPolicyInput = z.output<typeof refundPolicyInput>;
export const refundPolicyView = refundPolicyInput;
export type RefundPolicyView = RefundPolicyInput;

/** Why an order cannot be refunded by its fan now. */
export const refundRefusals = [
  "no_fan_refunds",
  "not_paid",
  "window_closed",
  "event_started",
  "checked_in",
  "resold",
  "listed",
] as const;
export type RefundRefusal = (typeof refundRefusals)[number];

/** `GET /api/orders/:orderId/refund` (order token): whether the fan may ask now, and until when. */
export const fanRefundView = z.strictObject({
  refundable: z.boolean(),
  /** The end of the window (the earlier of paid + window and the event's start), when there is one. */
  until: z.iso.datetime().nullable(),
  reason: z.enum(refundRefusals).nullable(),
});
export type FanRefundView = z.output<typeof fanRefundView>;
