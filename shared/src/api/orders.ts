// The order as the contract shows it (GET /api/orders/:orderId), shared by server and client.
import type { OrderStatus } from "../protocol.js";

export interface OrderItemView {
  classId: string;
  code: string;
  quantity: number;
  unitPriceCents: number;
}

export interface TicketView {
  ticketId: string;
  classCode: string;
  /** The signed code the QR carries (verifiable offline with /api/tickets/public-key). */
  code: string;
  /** The short code to type at the door when the QR will not scan, shown as "K7QM2-XPD9C". */
  shortCode: string;
  qrSvgUrl: string;
  qrPngUrl: string;
  checkedInAt: string | null;
  voided: boolean;
}

export interface OrderView {
  orderId: string;
  eventId: string;
  status: OrderStatus;
  email: string;
  items: OrderItemView[];
  totalCents: number;
  currency: string;
  expiresAt: string;
  createdAt: string;
  paidAt: string | null;
  /** Only while the order is held. */
  paymentUrl?: string;
  tickets: TicketView[];
  perks: Array<{ code: string; name: string }>;
}

/** `GET /api/events/:eventId/orders/mine` (fan auth): the fan's own orders for one event. */
export interface FanOrdersView {
  eventId: string;
  /** The event's per-fan ticket limit. */
  perFanMax: number;
  /** Tickets this fan may still hold: perFanMax minus what they hold or bought now (refunds count back). */
  remaining: number;
  /** Newest first, at most a few; links in them work with the fan's own auth. */
  orders: OrderView[];
}
