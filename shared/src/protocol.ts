// THE wire contract of the waiting room, typed for both ends: the server's Socket.IO `Server<…>`
// and the client's `Socket<…>` use these maps, so an event name or payload cannot drift.
// Events are `noun:verb`; acks are `{ok: true, data} | {ok: false, error}`.
import type { EventStatus, EventView } from "./api/events.js";
import type { AdminSale, AdminStats } from "./api/admin.js";
import type { OrderStatus } from "./api/orders.js";
import type { QueueEntry, QueueStatus } from "./api/queue.js";
import type { ErrorCode } from "./errors.js";

// The waiting room's, the orders' and the admin's shapes are schemas in api/ (the REST answers are checked
// against them); these names stay here for the sockets' maps and their users.
export type { AdminAdmission, AdminSale, AdminStats, SaleEventType } from "./api/admin.js";
export type { OrderStatus } from "./api/orders.js";
export type {
  Admission,
  LotteryView,
  PlaceBasis,
  QueueEntry,
  QueueState,
  QueueStatus,
  QueueView,
} from "./api/queue.js";

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** What queue:join (and the REST join) carry: the event, and after a rebuild the fan's proofs. */
export interface QueueJoinRequest {
  eventId: string;
  /** The placeToken of the fan's last entry for this event. */
  placeToken?: string;
  /** The fan's admission token for this event, if it has one that has not run out. */
  admissionToken?: string;
  /** A solved bot-defence challenge (ALTCHA payload), when the join answered challenge_required. */
  challenge?: string;
}

/** Fans who left the line while waiting (left, or away past the presence grace), pushed to the
 * room on the next tick. The i-th number (0-based) is departure fromSeq + i + 1; a client whose
 * counter is below fromSeq missed a push and asks again with queue:join. */
export interface QueueDeparted {
  eventId: string;
  fromSeq: number;
  numbers: number[];
}

/** The event's sale status changed (an admin, or the system: opening, sold out and back). */
export interface EventStatusChanged {
  eventId: string;
  status: EventStatus;
  /** Server time of the change (ms since epoch). */
  atMs: number;
}

/** An admin edited the event (name, venue, description, date, tiers): the event as it is now. */
export interface EventUpdated {
  eventId: string;
  event: EventView;
}

export interface QueueAdmitted {
  eventId: string;
  token: string;
  expiresAt: string;
  /** The number the fan was admitted with: a join answer read before the admission (state
   * "waiting" with this number) arrives after this push and must not undo it. */
  queueNumber?: number;
}

export interface StockClass {
  id: string;
  code: string;
  available: number;
  held: number;
  sold: number;
}

export interface StockUpdate {
  eventId: string;
  classes: StockClass[];
}

export interface OrderUpdate {
  orderId: string;
  status: OrderStatus;
}

export interface ClientToServerEvents {
  "queue:join": (payload: QueueJoinRequest, ack: (result: Ack<QueueEntry>) => void) => void;
  "queue:leave": (payload: { eventId: string }, ack: (result: Ack<{ left: boolean }>) => void) => void;
  /** Follow an event's room (queue:status, stock) without queuing: the transparency board. */
  "event:watch": (payload: { eventId: string }, ack: (result: Ack<QueueStatus>) => void) => void;
  "event:unwatch": (payload: { eventId: string }, ack: (result: Ack<{ watching: false }>) => void) => void;
}

export interface ServerToClientEvents {
  "queue:status": (status: QueueStatus) => void;
  "queue:admitted": (admitted: QueueAdmitted) => void;
  "queue:departed": (departed: QueueDeparted) => void;
  "event:status": (changed: EventStatusChanged) => void;
  "event:updated": (updated: EventUpdated) => void;
  stock: (stock: StockUpdate) => void;
  "order:update": (update: OrderUpdate) => void;
  /** The event's resale listings changed (listed, locked, sold, withdrawn, re-priced): read them again. */
  "resale:changed": (changed: { eventId: string }) => void;
}

/** Room names: one per event (status, stock) and one per fan (admission, orders — every tab, every node). */
export const rooms = {
  event: (eventId: string) => `event:${eventId}`,
  fan: (fanId: string) => `fan:${fanId}`,
} as const;

/** Cookie names shared by server and client. */
export const fanCookieName = "stampede_fan";

// The admin namespace (`/admin`): signed-in admins (session cookie) watch an event live.

export interface AdminClientToServerEvents {
  "admin:watch": (payload: { eventId: string }, ack: (result: Ack<AdminStats>) => void) => void;
  "admin:unwatch": (payload: { eventId: string }, ack: (result: Ack<{ watching: false }>) => void) => void;
}

export interface AdminServerToClientEvents {
  /** Sales feed, batched per tick: every order change of the event since the last batch. */
  "sales:batch": (batch: { eventId: string; sales: AdminSale[] }) => void;
  /** The event's live figures, once a second while watched. */
  "stats:tick": (stats: AdminStats) => void;
  /** An admin edited the event (any node): the event as it is now. */
  "event:updated": (updated: EventUpdated) => void;
}

export const adminRooms = {
  event: (eventId: string) => `admin:event:${eventId}`,
} as const;
