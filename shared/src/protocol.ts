// THE wire contract of the waiting room, typed for both ends: the server's Socket.IO `Server<…>`
// and the client's `Socket<…>` use these maps, so an event name or payload cannot drift.
// Events are `noun:verb`; acks are `{ok: true, data} | {ok: false, error}`.
import type { EventStatus } from "./api/events.js";
import type { ErrorCode } from "./errors.js";

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

export type QueueState = "pre_queue" | "waiting" | "admitted" | "paused" | "sold_out" | "closed";

export interface Admission {
  token: string;
  expiresAt: string;
}

export interface QueueEntry {
  eventId: string;
  state: QueueState;
  queueNumber: number | null;
  /** People still waiting ahead of this fan plus one (1 = next); null before a number is given. */
  position: number | null;
  admission?: Admission;
  /** While waiting: the room's counters `position` was read with, so the client keeps it current
   * from the room's pushes (shared/src/core/admission.ts placeNow). */
  basis?: PlaceBasis;
  /** While the fan holds a number: signed proof of it. Sent back with a join after the room was
   * rebuilt (see roomEpoch), it gives the same number back. Keep it for as long as the sale lasts. */
  placeToken?: string;
  /** The room's incarnation this entry belongs to; a queue:status with another roomEpoch means the
   * room was rebuilt (its store lost its data): join again with the placeToken and admission. */
  roomEpoch?: string;
  /** This join gave back a place or an admission from before the room was rebuilt. */
  restored?: boolean;
}

/** What queue:join (and the REST join) carry: the event, and after a rebuild the fan's proofs. */
export interface QueueJoinRequest {
  eventId: string;
  /** The placeToken of the fan's last entry for this event. */
  placeToken?: string;
  /** The fan's admission token for this event, if it has one that has not run out. */
  admissionToken?: string;
}

export interface PlaceBasis {
  /** queue:status admittedTotal at that instant: each admission since moved the fan up one. */
  admittedTotal: number;
  /** The departure counter at that instant: queue:departed numbers after it, below the fan's number, moved them up one each. */
  departedSeq: number;
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

export interface QueueStatus {
  eventId: string;
  state: QueueState;
  /** The highest queue number admitted so far: queueNumber − servedUpTo bounds a fan's position
   * from above; fans ahead who left (queue:departed) come off it. */
  servedUpTo: number;
  waiting: number;
  /** The rate the room admits at now: the operator's (manual) or the one it steers to (auto). */
  admitPerMinute: number;
  admission?: "auto" | "manual";
  /** Admissions per minute as they actually happened over the last seconds (what an ETA should use). */
  admittedPerMinute?: number;
  /** Every ticket left is held by fans ahead: nobody is admitted until holds end (the next at `until`, when known). */
  allHeld?: { until: string | null };
  activeCheckouts: number;
  /** Checkout slots in all: with activeCheckouts, clients tell how many are free (for the ETA). */
  maxActiveCheckouts: number;
  /** Fans admitted so far (the transparency board). */
  admittedTotal: number;
  /** When the pre-queue opens into the queue (scheduled on-sale), else null. */
  opensAt?: string | null;
  /** Server time of this tick (ms since epoch): clients measure push latency with it. */
  sentAtMs?: number;
  /** The room's incarnation: it changes when the room is rebuilt after its store lost its data. */
  roomEpoch?: string;
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

export type OrderStatus = "held" | "paid" | "expired" | "cancelled" | "payment_failed" | "refunded";

export interface OrderUpdate {
  orderId: string;
  status: OrderStatus;
}

/** REST fallback (`GET`/`POST /api/events/:eventId/queue`): the fan's entry and the room's status. */
export interface QueueView {
  entry: QueueEntry | null;
  status: QueueStatus;
}

/** The verifiable lottery (`GET /api/events/:eventId/lottery`): the seed's hash is published when
 * the pre-queue opens; the seed and the participants' public ids are published at the draw, so
 * anyone can recompute the order with HMAC-SHA256(seed, publicId). */
export interface LotteryView {
  eventId: string;
  mode: "fifo" | "lottery";
  seedHash: string | null;
  seed: string | null;
  drawnAt: string | null;
  /** Public ids in draw order (after the draw). */
  order: string[] | null;
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
  stock: (stock: StockUpdate) => void;
  "order:update": (update: OrderUpdate) => void;
}

/** Room names: one per event (status, stock) and one per fan (admission, orders — every tab, every node). */
export const rooms = {
  event: (eventId: string) => `event:${eventId}`,
  fan: (fanId: string) => `fan:${fanId}`,
} as const;

/** Cookie names shared by server and client. */
export const fanCookieName = "stampede_fan";

// The admin namespace (`/admin`): signed-in admins (session cookie) watch an event live.

/** What happened to an order (the domain events of the sales feed). */
export type SaleEventType = "hold.placed" | "hold.posted" | "hold.voided" | "hold.expired" | "order.paid" | "order.refunded";

export interface AdminSale {
  type: SaleEventType;
  orderId: string;
  status: OrderStatus;
  quantity: number;
  totalCents: number;
  atMs: number;
}

export interface AdminStats {
  eventId: string;
  atMs: number;
  status: string;
  classes: Array<{ id: string; code: string; capacity: number; available: number; held: number; sold: number }>;
  perks: Array<{ code: string; capacity: number; granted: number }>;
  orders: Record<OrderStatus, number>;
  revenueCents: number;
  /** The currency of revenueCents (the event's tiers share one). */
  currency: string;
  queue: { waiting: number; servedUpTo: number; admittedTotal: number; activeCheckouts: number };
  /** How the room admits now (null until its ticker has run once). */
  admission: AdminAdmission | null;
}

/** The admission controller at work, for the dashboard (auto: steered; manual: the operator's rate). */
export interface AdminAdmission {
  mode: "auto" | "manual";
  ratePerMinute: number;
  /** Why the rate is what it is: the overload sign that cut or holds it (holdP95Ms, settlementLagMs,
   * poolWaits, holdsInFlight, webhooksWaiting, overloadRefusals), or slow_start, recovering, pacing
   * (growth held to the pace the checkout serves), ceiling,
   * idle (nobody waiting), manual. */
  reason: string;
  floorPerMinute: number;
  ceilingPerMinute: number;
  /** When the rate was last cut (ms since epoch), null if never. */
  lastCutAtMs: number | null;
  /** The checkout's health as the controller last read it, over every node. */
  health: {
    holdP95Ms: number | null;
    settlementLagMs: number | null;
    poolWaits: number;
    holdsInFlight: number;
    webhooksWaiting: number;
    overloadRefusals: number;
    /** Hold requests answered per second: the pace the checkout serves, which caps the rate's growth. */
    holdsPerSecond: number;
  };
  /** Auto: fans the stock left could still serve (0: nobody is admitted); null in manual. */
  stockRoom: number | null;
  atMs: number;
}

export interface AdminClientToServerEvents {
  "admin:watch": (payload: { eventId: string }, ack: (result: Ack<AdminStats>) => void) => void;
  "admin:unwatch": (payload: { eventId: string }, ack: (result: Ack<{ watching: false }>) => void) => void;
}

export interface AdminServerToClientEvents {
  /** Sales feed, batched per tick: every order change of the event since the last batch. */
  "sales:batch": (batch: { eventId: string; sales: AdminSale[] }) => void;
  /** The event's live figures, once a second while watched. */
  "stats:tick": (stats: AdminStats) => void;
}

export const adminRooms = {
  event: (eventId: string) => `admin:event:${eventId}`,
} as const;
