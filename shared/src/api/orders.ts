// Checkout's request bodies and answers as the contract shows them (contract.md "Checkout", "Admin"),
// shared by server and client: the server's routes validate the bodies with these schemas, its
// handlers are typed from the answers' and its response check parses each answer with them; the
// client sends and reads the same types. The answers are strict, like the OpenAPI document.
import { z } from "zod";
import { isUuid } from "../ids.js";
import { paymentProviderNames } from "./events.js";

export const orderStatuses = ["held", "paid", "expired", "cancelled", "payment_failed", "refunded"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const count = z.int().min(0);
/** Times go out as ISO-8601 UTC (toISOString), as the contract says. */
const utcTime = z.iso.datetime();

export const orderItemView = z.strictObject({
  classId: z.string(),
  code: z.string(),
  quantity: count,
  unitPriceCents: z.int(),
});
export type OrderItemView = z.output<typeof orderItemView>;

export const ticketView = z.strictObject({
  ticketId: z.string(),
  classCode: z.string(),
  /** The signed code the QR carries (verifiable offline with /api/tickets/public-key). */
  code: z.string(),
  /** The short code to type at the door when the QR will not scan, shown as "K7QM2-XPD9C". */
  shortCode: z.string(),
  qrSvgUrl: z.string(),
  qrPngUrl: z.string(),
  checkedInAt: utcTime.nullable(),
  voided: z.boolean(),
  /** Sold on through resale: void here, the buyer holds a new ticket for the seat. */
  resold: z.boolean(),
});
export type TicketView = z.output<typeof ticketView>;

/** `GET /api/orders/:orderId`, `POST /api/orders/:orderId/cancel`, `POST /api/admin/orders/:orderId/refund`. */
export const orderView = z.strictObject({
  orderId: z.string(),
  eventId: z.string(),
  status: z.enum(orderStatuses),
  email: z.string(),
  items: z.array(orderItemView),
  totalCents: z.int(),
  currency: z.string(),
  expiresAt: utcTime,
  createdAt: utcTime,
  paidAt: utcTime.nullable(),
  /** Only while the order is held. */
  paymentUrl: z.string().optional(),
  /** The presale or promo code the order was placed with (its prices are the code's). */
  code: z.string().optional(),
  tickets: z.array(ticketView),
  perks: z.array(z.strictObject({ code: z.string(), name: z.string() })),
});
export type OrderView = z.output<typeof orderView>;

/** `GET /api/events/:eventId/orders/mine` (fan auth): the fan's own orders for one event. */
export const fanOrdersView = z.strictObject({
  eventId: z.string(),
  /** The event's per-fan ticket limit. */
  perFanMax: count,
  /** Tickets this fan may still hold: perFanMax minus what they hold or bought now (refunds count back). */
  remaining: count,
  /** Newest first, at most a few; links in them work with the fan's own auth. */
  orders: z.array(orderView),
});
export type FanOrdersView = z.output<typeof fanOrdersView>;

/** `POST /api/events/:eventId/holds`: the fan's admission token, the tiers and quantities, and where the tickets go. */
export const holdInput = z.object({
  // Missing or empty is the contract's 403 admission_required (the checkout finds no admission), not a 422.
  admissionToken: z.string().max(4096).default(""),
  items: z
    .array(z.object({ classId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(100) }))
    .min(1)
    .max(20),
  email: z.email().max(254),
  /** A presale code (needed while the event's presale is open) or a promo code: one per order. */
  code: z.string().max(64).optional(),
});

/** `201` of `POST /api/events/:eventId/holds`: the order as held, with the order token and the payment link. */
export const holdView = z.strictObject({
  orderId: z.string(),
  orderToken: z.string(),
  status: z.literal("held"),
  expiresAt: utcTime,
  items: z.array(orderItemView),
  totalCents: z.int(),
  currency: z.string(),
  paymentUrl: z.string(),
});
export type HoldView = z.output<typeof holdView>;

/** A row of `GET /api/admin/orders`: the order, whose it is, and the provider that takes (or took) its money. */
export const adminOrderView = orderView.extend({ fanId: z.string(), paymentProvider: z.enum(paymentProviderNames) });
export type AdminOrderView = z.output<typeof adminOrderView>;

/** `GET /api/admin/orders`: newest first; nextCursor continues the list (null: no more). */
export const adminOrderPage = z.strictObject({ orders: z.array(adminOrderView), nextCursor: z.string().nullable() });
export type AdminOrderPage = z.output<typeof adminOrderPage>;

/** `POST /api/admin/checkin`: a QR payload or a short code, and the event the door is for when one is picked. */
export const checkinInput = z.object({
  code: z.string().min(1).max(1024),
  eventId: z.string().refine(isUuid, "must be an event id").optional(),
});

/** `200` of `POST /api/admin/checkin`: the first scan of a valid ticket. */
export const checkinView = z.strictObject({
  ticketId: z.string(),
  classCode: z.string(),
  checkedInAt: utcTime,
  firstScan: z.literal(true),
});
export type CheckinView = z.output<typeof checkinView>;
