// Routine room frames (queue:status with its queue:departed, and stock) go to every socket of the
// event's room, so their cost grows with the crowd: measured during an overload run, writing them
// took 75% of the server's CPU (8,000 sockets, two ticks a second, up to four stock frames) and
// starved the checkout the waiting room exists to protect. Their interval therefore grows with the
// sockets of the room on this node so that a room costs at most roomFramesPerSecond: within the
// contract's bounds (status at least every 2 s, stock within 1 s of a change) up to
// contractSocketsMax sockets a node. Past that the bounds give way to the checkout: every routine
// frame slows in proportion, to at most overloadEveryMaxMs. (Measured: 14,000 sockets on one node
// held to the bounds meant up to 28,000 frames a second and 42% of the server's CPU in writev
// alone; webhooks timed out, payments captured in time went unsettled, holds took 25 s.) More
// nodes bring a crowd back within the bounds. A frame that says something new — the room's state,
// the all-held notice, a tier running out or coming back — goes at once.
import { admissionTickMs, stockTickMs } from "@stampede/shared/limits";

/** Routine frames a room may cost a second on one node, over all of its sockets there. */
export const roomFramesPerSecond = 6_000;
/** The contract's bounds: queue:status at least every 2 s; stock within 1 s of a change. */
export const statusEveryMaxMs = 2_000;
export const stockEveryMaxMs = 1_000;
/** Past the budget, the longest a routine frame waits: half the time after which a fan's page
 * says its place may have moved (the client's placeStaleAfterMs). */
export const overloadEveryMaxMs = 5_000;
/** Routine frames a socket gets a second at the contract's bounds: status and departures, stock. */
const framesPerSocketAtBounds = (2 * 1_000) / statusEveryMaxMs + 1_000 / stockEveryMaxMs;
/** The most sockets a node holds with every routine frame within the contract's bounds. */
export const contractSocketsMax = Math.floor(roomFramesPerSecond / framesPerSocketAtBounds);

/**
 * How long a room with this many sockets on this node waits between routine frames of one kind:
 * every kind's bound scaled by how far the sockets at the bounds would exceed the budget, so the
 * room costs at most the budget — never faster than the tick, never slower than overloadEveryMaxMs.
 */
export function routineEveryMs(sockets: number, kind: "status" | "stock"): number {
  const [base, bound] = kind === "status" ? [admissionTickMs, statusEveryMaxMs] : [stockTickMs, stockEveryMaxMs];
  const loadAtBounds = (Math.max(0, sockets) * framesPerSocketAtBounds) / roomFramesPerSecond;
  return Math.min(overloadEveryMaxMs, Math.max(base, bound * loadAtBounds));
}

/** Per event and kind: when the last frame went, and what it said that must not wait. */
export class FramePacer {
  private readonly sent = new Map<string, { atMs: number; key: string }>();

  /** Whether a frame of this kind is due: its interval has passed, or `key` (what must not wait) changed. */
  due(slot: string, key: string, everyMs: number, nowMs: number): boolean {
    const last = this.sent.get(slot);
    return !last || last.key !== key || nowMs - last.atMs >= everyMs || nowMs < last.atMs;
  }

  sentNow(slot: string, key: string, nowMs: number): void {
    this.sent.set(slot, { atMs: nowMs, key });
  }

  forget(eventId: string): void {
    for (const slot of this.sent.keys()) if (slot.startsWith(`${eventId}:`)) this.sent.delete(slot);
  }
}
