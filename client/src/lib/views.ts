// The JSON shapes the client reads from the HTTP API (contract.md: Events, Admin). Event shapes
// come from shared (one definition for both ends); type-only, so zod stays out of the bundle.
import type { EventView } from "@stampede/shared/api/events";
import type { OrderStatus } from "@stampede/shared/protocol";
import type { AdminRole } from "@stampede/shared/roles";

export type {
  ClassView as TicketClassView,
  EventStatus,
  EventView,
  PerkView,
  WaitingRoomSettings as WaitingRoomView,
} from "@stampede/shared/api/events";

/** `GET /api/events` and `GET /api/admin/events`. */
export interface EventListView {
  events: EventView[];
}

/** `GET /api/admin/me` and `POST /api/admin/login`; `csrfToken` is null for HTTP Basic callers. */
export interface AdminMeView {
  username: string;
  role: AdminRole;
  csrfToken: string | null;
}

export type { OrderStatus } from "@stampede/shared/protocol";

/** One ticket of a paid order; the QR links carry `?token=` when the order was read with its token. */
export interface TicketView {
  ticketId: string;
  classCode: string;
  code: string;
  qrSvgUrl: string;
  qrPngUrl: string;
  checkedInAt: string | null;
  voided: boolean;
}

/** `GET /api/orders/:orderId` (contract.md "Checkout"). The server's shape lives in server/src/services/orders/order-view.ts. */
export interface OrderView {
  orderId: string;
  eventId: string;
  status: OrderStatus;
  email: string;
  items: { classId: string; code: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  expiresAt: string;
  createdAt: string;
  paidAt: string | null;
  /** Only while the order is held. */
  paymentUrl?: string;
  tickets: TicketView[];
  perks: { code: string; name: string }[];
}

/** A row of `GET /api/admin/orders`. */
export interface AdminOrderView extends OrderView {
  fanId: string;
}

export interface AdminOrderPage {
  orders: AdminOrderView[];
  nextCursor: string | null;
}

/** `GET /api/admin/events/:id/audit`: the ledger invariant checked per tier. */
export interface AuditView {
  eventId: string;
  ok: boolean;
  checkedAt: string;
  classes: { classId: string; code: string; capacity: number; available: number; held: number; sold: number; ok: boolean; problems: string[] }[];
  perks: { perkId: string; code: string; capacity: number; granted: number; ok: boolean }[];
}

/** `200` of `POST /api/admin/checkin`. */
export interface CheckinView {
  ticketId: string;
  classCode: string;
  checkedInAt: string;
  firstScan: true;
}
