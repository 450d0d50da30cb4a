// The JSON shapes the client reads from the HTTP API (contract.md: Events, Admin). Event and order
// shapes come from shared (one definition for both ends); type-only, so zod stays out of the bundle.
import type { EventView } from "@stampede/shared/api/events";
import type { OrderView } from "@stampede/shared/api/orders";
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

/** `GET /api/orders/:orderId` (contract.md "Checkout"): one definition for server and client. */
export type { OrderView, TicketView } from "@stampede/shared/api/orders";

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
