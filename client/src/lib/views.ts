// The JSON shapes the client reads from the HTTP API (contract.md: Events, Admin). Event shapes
// come from shared (one definition for both ends); type-only, so zod stays out of the bundle.
import type { EventView } from "@stampede/shared/api/events";
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
