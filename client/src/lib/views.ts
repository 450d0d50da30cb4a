// The JSON shapes the client reads from the HTTP API (contract.md: Events, Checkout, Admin). Each is
// the type of the schema the server's route declares in shared/src/api (its handler is typed from
// it, its answers are checked against it, and the OpenAPI document shows it), so the two ends
// cannot drift. Type-only imports, so zod stays out of the bundle.
export type {
  ClassView as TicketClassView,
  EventListView,
  EventStatus,
  EventView,
  PerkView,
  WaitingRoomSettings as WaitingRoomView,
} from "@stampede/shared/api/events";

export type { OrderStatus } from "@stampede/shared/api/orders";

/** `GET /api/orders/:orderId` (contract.md "Checkout"), a row of `GET /api/admin/orders`, a page of it, and a first scan. */
export type { AdminOrderPage, AdminOrderView, CheckinView, OrderView, TicketView } from "@stampede/shared/api/orders";

/** `GET /api/admin/me` and `POST /api/admin/login`; `GET /api/admin/events/:id/audit`. */
export type { AdminMeView, AuditView } from "@stampede/shared/api/admin";
