// Pure helpers behind the waiting room: the phase a fan sees, live stock merged into the event's
// tiers, the queue progress and the admission rate actually observed. Position and ETA come
// from shared/src/core/admission.ts — the same math the server uses.
import type { Admission, QueueEntry, QueueState, QueueStatus, StockUpdate } from "@stampede/shared/protocol";
import { admissionRateSpanMinMs, admissionRateWindowMs } from "./limits.js";
import type { EventStatus, TicketClassView } from "./views.js";

/** What the fan is looking at, in order of what matters most. */
export type FanPhase =
  | "starting" // no session or entry yet
  | "pre_queue" // joined before opening: a countdown, no number yet (or a number waiting for the opening)
  | "waiting" // in line with a number
  | "admitted" // their turn: pick tickets before the admission expires
  | "admission_expired" // the turn ran out: join again
  | "paused" // the sale is paused; places are kept
  | "sold_out"
  | "closed"
  | "left"; // the fan left the queue

export interface PhaseInput {
  entry: QueueEntry | null;
  status: QueueStatus | null;
  admission: Admission | null;
  admissionRemainingMs: number | null;
  left: boolean;
  /** The sale's status as last pushed (event:status); null when none came over this connection. */
  sale?: EventStatus | null;
}

/**
 * The room's state: a pushed sale status comes straight from the change, so it wins over a
 * queue:status frame, which may still carry the status from before it (a ticker learns of a
 * change made on another node up to a second later).
 */
export function roomStateOf(status: QueueStatus | null, sale: EventStatus | null): QueueState | null {
  const framed = status?.state ?? null;
  switch (sale) {
    case null:
      return framed;
    case "closed":
    case "cancelled":
    case "draft":
      return "closed";
    case "sold_out":
    case "paused":
      return sale;
    case "on_sale":
      return framed === null || framed === "paused" || framed === "sold_out" || framed === "closed"
        ? "waiting"
        : framed;
    case "scheduled":
      return framed ?? "pre_queue";
  }
}

export function fanPhase(input: PhaseInput): FanPhase {
  const { entry, status, admission } = input;
  const room = roomStateOf(status, input.sale ?? null);
  if (room === "sold_out" || room === "closed") return room;
  if (entry?.state === "sold_out" || entry?.state === "closed") return entry.state;
  if (input.left) return "left";
  if (admission !== null) return (input.admissionRemainingMs ?? 0) > 0 ? "admitted" : "admission_expired";
  if (room === "paused" || entry?.state === "paused") return "paused";
  if (entry === null) return room === "pre_queue" ? "pre_queue" : "starting";
  if (entry.state === "pre_queue" || room === "pre_queue" || entry.queueNumber === null) return "pre_queue";
  return "waiting";
}

/** The event's tiers with the latest pushed counts (tiers the push does not name keep theirs). */
export function mergeStock(classes: readonly TicketClassView[], stock: StockUpdate | null): TicketClassView[] {
  if (stock === null) return [...classes];
  const byId = new Map(stock.classes.map((c) => [c.id, c]));
  return classes.map((c) => {
    const live = byId.get(c.id);
    return live ? { ...c, available: live.available, held: live.held, sold: live.sold } : c;
  });
}

/**
 * 0..1: how much of the line that was ahead when the fan joined has gone in or left since —
 * counted in people ahead, so nobody ahead is always 1 (the bar is full when the fan is next).
 */
export function progressOf(startPosition: number | null, position: number | null): number {
  if (startPosition === null || position === null) return 0;
  const startAhead = startPosition - 1;
  const ahead = position - 1;
  if (ahead <= 0 || startAhead <= 0) return 1;
  return Math.min(1, Math.max(0, (startAhead - ahead) / startAhead));
}

export interface RateSample {
  atMs: number;
  admittedTotal: number;
}

/** Adds a sample and drops those older than the window (the newest always stays). */
export function addRateSample(samples: readonly RateSample[], sample: RateSample): RateSample[] {
  const last = samples.at(-1);
  if (last && (sample.atMs < last.atMs || sample.admittedTotal < last.admittedTotal)) return [sample]; // a restart or a new clock: start over
  return [...samples, sample].filter((s) => s.atMs >= sample.atMs - admissionRateWindowMs);
}

/**
 * Fans admitted per minute over the window, or null with too little history. When every
 * checkout slot is taken, each admission needs a slot to free first, so this is also how fast
 * slots free up — what the ETA needs once a fan's place is past the free slots.
 */
export function observedPerMinute(samples: readonly RateSample[]): number | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.atMs - first.atMs < admissionRateSpanMinMs) return null;
  return ((last.admittedTotal - first.admittedTotal) * 60_000) / (last.atMs - first.atMs);
}

/**
 * The rate the fan's ETA runs at: admissions as they actually happened lately (the server's
 * measurement), and the room's rate only until there is one. A steered (auto) rate says what the
 * room may admit; what it did admit is what a fan in line can count on.
 */
export function etaRatePerMinute(status: Pick<QueueStatus, "admitPerMinute" | "admittedPerMinute">): number {
  return status.admittedPerMinute ?? status.admitPerMinute;
}

/** "14:05" in the fan's time zone (tests pass one). */
export function clockMinutes(atMs: number, locale?: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(
    new Date(atMs),
  );
}

/**
 * What a fan in line reads while every ticket left is held by fans ahead (queue:status allHeld):
 * nobody goes in until holds end. The time the next hold ends is named while it is still ahead.
 */
export function allHeldWords(
  allHeld: QueueStatus["allHeld"] | null,
  nowMs: number,
  time: (atMs: number) => string = clockMinutes,
): string | null {
  if (!allHeld) return null;
  const untilMs = allHeld.until === null ? Number.NaN : Date.parse(allHeld.until);
  const by = Number.isFinite(untilMs) && untilMs > nowMs ? ` by ${time(untilMs)}` : "";
  return `All remaining tickets are held by fans ahead of you. Some may come back${by} if they don't pay — keep this page open.`;
}

/**
 * The place in words for a live region. Exact near the front, rounded further back, so a screen
 * reader hears a change every so often, not every tick of a fast-moving line.
 */
export function spokenPlace(position: number | null, wait: string | null): string {
  if (position === null) return "";
  if (position === 0) return "It's your turn any moment now.";
  const place =
    position <= 10 ? `You are number ${position} in line.` : `About ${roundPlace(position)} people are ahead of you.`;
  return wait === null ? place : `${place} Estimated wait: ${wait}.`;
}

function roundPlace(position: number): number {
  const step = position <= 100 ? 10 : position <= 1_000 ? 100 : 1_000;
  return Math.round((position - 1) / step) * step || step;
}
