// Routine room frames (queue:status with its queue:departed, and stock) go to every socket of the
// event's room, so their cost grows with the crowd: measured during an overload run, writing them
// took 75% of the server's CPU (8,000 sockets, two ticks a second, up to four stock frames) and
// starved the checkout the waiting room exists to protect. Their interval therefore grows with the
// audience so that a room costs at most roomFramesPerSecond, within the contract's bounds: status
// at least every 2 s, stock within 1 s of a change. A frame that says something new — the room's
// state, the all-held notice, a tier running out or coming back — goes at once.
import { admissionTickMs, stockTickMs } from "@stampede/shared/limits";

/** Routine frames a room may cost a second, over all of its sockets. */
export const roomFramesPerSecond = 6_000;
/** The contract's bounds: queue:status at least every 2 s; stock within 1 s of a change. */
export const statusEveryMaxMs = 2_000;
export const stockEveryMaxMs = 1_000;
/** Routine kinds sharing the budget: status, departures, stock. */
const routineKinds = 3;

/** How long a room of this many fans waits between routine frames of one kind. */
export function routineEveryMs(audience: number, kind: "status" | "stock"): number {
  const [base, most] = kind === "status" ? [admissionTickMs, statusEveryMaxMs] : [stockTickMs, stockEveryMaxMs];
  const budgeted = (Math.max(0, audience) * routineKinds * 1_000) / roomFramesPerSecond;
  return Math.min(most, Math.max(base, budgeted));
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
