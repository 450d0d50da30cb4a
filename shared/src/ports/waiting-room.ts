// The waiting room as the services see it: queue numbers, admission ticks, checkout slots, the
// pre-queue and presence of one event, and the values it hands out. The Redis store (server/src/
// adapters/redis/waiting-room/store.ts) implements it with one Lua script per atomic change; the
// caller owns the clock (nowMs), so tests drive time and all nodes agree on one tick's now.

export type Phase = "pre" | "opening" | "open";
export type JoinState = "pre_queue" | "waiting" | "admitted";
/** As joined, or how the last admission ended (a fan who joins again then queues at the back). */
export type EntryState = JoinState | "admission_expired" | "admission_ended" | "left";

export interface Admission {
  jti: string;
  expiresAtMs: number;
}

export interface JoinResult {
  state: JoinState;
  queueNumber: number | null;
  admission?: Admission;
  /** The room's incarnation (keys.ts epoch). */
  epoch: string;
}

export interface WaitingRoomEntry {
  state: EntryState;
  queueNumber: number | null;
  joinedAtMs: number;
  /** The last admission; an "admitted" one whose expiresAtMs has passed is over even before a tick drops it. */
  admission?: Admission;
}

export interface WaitingRoomSnapshot {
  phase: Phase;
  servedUpTo: number;
  waiting: number;
  preQueued: number;
  activeCheckouts: number;
  admittedTotal: number;
  lastNumber: number;
  /** The room's incarnation; '' while it has none (never made, or lost with the store's data). */
  epoch: string;
}

export interface AdmitOptions {
  nowMs: number;
  admitPerMinute: number;
  maxActiveCheckouts: number;
  admissionTtlMs: number;
  paused: boolean;
  /** At most this many more fans this tick, for the stock left (auto admission); absent: no such cap. */
  stockRoom?: number;
}

export interface AdmittedFan {
  fanId: string;
  queueNumber: number;
  jti: string;
  expiresAtMs: number;
}

/** A waiting fan's place with the counters it was read with (one instant; see place.lua). */
export interface Place {
  /** 1 = next in line. */
  position: number;
  admittedTotal: number;
  departedSeq: number;
}

/** Queue numbers that left the line; the i-th (0-based) is departure fromSeq + i + 1. */
export interface Departures {
  fromSeq: number;
  numbers: number[];
}

export type SetPreQueueOutcome = { kind: "pre_queue" } | { kind: "opening" } | { kind: "already_numbered" };

/** A join with the room as it stands after it; joined is null when the room has no epoch. */
export interface JoinView {
  joined: JoinResult | null;
  snapshot: WaitingRoomSnapshot;
  /** The fan's place when waiting. */
  place: Place | null;
}

export interface WaitingRoom {
  /** Idempotent: a fan already in line gets the same state and number back. Null: the room has no
   * epoch (never made, or lost with the store's data) — make or rebuild it first. */
  join(eventId: string, fanId: string, nowMs: number): Promise<JoinResult | null>;
  /** join, with presence marked back, the fan's place (when waiting) and the room's snapshot read
   * right after it. joined is null as for join(). */
  joinAndView(eventId: string, fanId: string, nowMs: number): Promise<JoinView>;
  /** Out of line, and out of the checkout slot if admitted. Returns whether the fan was in. */
  leave(eventId: string, fanId: string): Promise<boolean>;
  /** The fan's rank among those still waiting and the counters it was read with; null when not waiting. */
  place(eventId: string, fanId: string): Promise<Place | null>;
  /** Departures not yet announced (at most max, oldest first); each is handed out once. */
  takeDepartures(eventId: string, max: number): Promise<Departures>;
  /** One admission tick: expired slots out, the next fans in by number. */
  admit(eventId: string, options: AdmitOptions): Promise<{ admitted: AdmittedFan[]; snapshot: WaitingRoomSnapshot }>;
  /** Frees the slot of this admission only; a stale jti frees nothing. Returns whether it did. */
  releaseSlot(eventId: string, fanId: string, jti: string): Promise<boolean>;
  snapshot(eventId: string): Promise<WaitingRoomSnapshot>;
  /** The fan's place as stored, or null when they are not in this room. */
  entry(eventId: string, fanId: string): Promise<WaitingRoomEntry | null>;
  /** Joins collect in the pre-queue until openPreQueue; only before anyone holds a number. */
  setPreQueue(eventId: string): Promise<SetPreQueueOutcome>;
  /** Pre-queued fans in arrival order (the FIFO order; the lottery reorders them). */
  preQueueMembers(eventId: string): Promise<string[]>;
  /** Numbers the pre-queued fans in the given order; safe to call again after a crash. Returns how many got numbers. */
  openPreQueue(eventId: string, orderedFanIds: readonly string[]): Promise<number>;
  /** A fan's last socket went away: the grace starts now (an earlier start is kept). */
  markAway(eventId: string, fanId: string, nowMs: number): Promise<void>;
  markBack(eventId: string, fanId: string): Promise<void>;
  /** Fans away since before cutoffMs (at most a batch); the caller checks sockets, then leave or markBack. */
  dueAway(eventId: string, cutoffMs: number): Promise<string[]>;
}

/** The checkout slots as ending a hold needs them: an expired hold gives its slot back. */
export type CheckoutSlots = Pick<WaitingRoom, "releaseSlot">;
