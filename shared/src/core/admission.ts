// Admission math: how many fans may enter checkout this tick, where a fan stands, and how long
// they will honestly wait. Pure and browser-safe; the Redis admit script (server/src/adapters/
// redis/waiting-room/admit.lua) does the same bucket arithmetic, and a shared test keeps them equal.
//
// The rate budget is a token bucket refilled at admitPerMinute / 60,000 tokens per ms and capped
// at one second's worth (at least one token), so budget left unused during a quiet spell never
// saves up into a burst into checkout. A bucket nobody has used yet counts as idle since forever:
// it starts full. Tokens are counted in integer parts (60,000 to a token) so a refill is exactly
// admitPerMinute parts per ms: the arithmetic is exact in JavaScript and in Redis's Lua alike.
import { assert } from "../assert.js";

/** Parts in one token: with this unit, admitPerMinute tokens a minute refill admitPerMinute parts a ms. */
export const tokenPartsPerToken = 60_000;

/** Past this much idle time every bucket is full, so longer gaps change nothing (and stay exact). */
const refillSaturatedMs = 60_000;

export interface TickInput {
  /** Parts in the bucket after the last tick; null when no tick ever ran (a full bucket). */
  tokenParts: number | null;
  /** Clock of the last tick; null when no tick ever ran. */
  lastMs: number | null;
  nowMs: number;
  admitPerMinute: number;
  /** Checkout slots free right now. */
  freeSlots: number;
  /** Fans waiting with a number; tokens are only spent on fans actually admitted. */
  waiting: number;
  /** A paused room admits nobody, and its bucket does not fill while paused. */
  paused?: boolean;
}

export interface TickResult {
  admit: number;
  tokenParts: number;
  lastMs: number;
}

/** One second's worth of budget, but at least one token so a slow room (< 60/min) can admit at all. */
export function bucketCapParts(admitPerMinute: number): number {
  return Math.max(tokenPartsPerToken, admitPerMinute * 1_000);
}

/**
 * How many fans to admit now: min(budget, free slots, waiting). A clock that went backwards
 * (another node took over the ticker) refills nothing and restarts from the new clock.
 */
export function admissionsThisTick(input: TickInput): TickResult {
  const { nowMs, admitPerMinute, freeSlots, waiting } = input;
  assert(Number.isSafeInteger(nowMs) && nowMs >= 0, `bad nowMs ${nowMs}`);
  assert(Number.isSafeInteger(admitPerMinute) && admitPerMinute >= 1, `bad admitPerMinute ${admitPerMinute}`);
  assert(Number.isSafeInteger(freeSlots) && freeSlots >= 0, `bad freeSlots ${freeSlots}`);
  assert(Number.isSafeInteger(waiting) && waiting >= 0, `bad waiting ${waiting}`);
  const cap = bucketCapParts(admitPerMinute);
  let parts = cap;
  if (input.tokenParts !== null && input.lastMs !== null) {
    assert(Number.isSafeInteger(input.tokenParts) && input.tokenParts >= 0, `bad tokenParts ${input.tokenParts}`);
    const elapsedMs = input.paused ? 0 : Math.min(Math.max(nowMs - input.lastMs, 0), refillSaturatedMs);
    parts = Math.min(cap, input.tokenParts + elapsedMs * admitPerMinute);
  }
  if (input.paused) return { admit: 0, tokenParts: parts, lastMs: nowMs };
  const admit = Math.min(Math.floor(parts / tokenPartsPerToken), freeSlots, waiting);
  return { admit, tokenParts: parts - admit * tokenPartsPerToken, lastMs: nowMs };
}

/**
 * An upper bound on where a fan stands: 1 = next in line, 0 = their turn has come (the admission
 * is on its way). Fans ahead who left still count here until the cursor passes them; placeNow
 * takes them off.
 */
export function position(queueNumber: number, servedUpTo: number): number {
  assert(Number.isSafeInteger(queueNumber) && queueNumber >= 1, `bad queueNumber ${queueNumber}`);
  assert(Number.isSafeInteger(servedUpTo) && servedUpTo >= 0, `bad servedUpTo ${servedUpTo}`);
  return Math.max(0, queueNumber - servedUpTo);
}

export interface PlaceInput {
  /** The fan's rank among those waiting (1 = next), read at one instant with the two counters below. */
  basePosition: number;
  baseAdmittedTotal: number;
  /** Fans admitted so far, as the room's latest push says (older than the base counts as no change). */
  admittedTotal: number;
  /** Fans ahead of this one (lower numbers) who left the line since the base was read. */
  departedAhead: number;
}

/**
 * Where a fan stands now: the rank among fans still waiting. Admission is in number order, so
 * every admission since the base was of someone ahead, and so was every departure counted in
 * departedAhead: each moves the fan up exactly one. Queue numbers never change; ranks only
 * improve. 0 = their turn has come.
 */
export function placeNow(input: PlaceInput): number {
  const { basePosition, baseAdmittedTotal, admittedTotal, departedAhead } = input;
  assert(Number.isSafeInteger(basePosition) && basePosition >= 1, `bad basePosition ${basePosition}`);
  assert(
    Number.isSafeInteger(baseAdmittedTotal) && baseAdmittedTotal >= 0,
    `bad baseAdmittedTotal ${baseAdmittedTotal}`,
  );
  assert(Number.isSafeInteger(admittedTotal) && admittedTotal >= 0, `bad admittedTotal ${admittedTotal}`);
  assert(Number.isSafeInteger(departedAhead) && departedAhead >= 0, `bad departedAhead ${departedAhead}`);
  return Math.max(0, basePosition - Math.max(0, admittedTotal - baseAdmittedTotal) - departedAhead);
}

/**
 * How many of a push's departures are news to a fan who has counted departures up to `seenSeq`,
 * and how many of those were ahead of `queueNumber`; "gap" when the push starts past seenSeq (a
 * push was missed: read the place again).
 */
export function departuresAhead(
  seenSeq: number,
  queueNumber: number,
  push: { fromSeq: number; numbers: readonly number[] },
): { kind: "counted"; seenSeq: number; ahead: number } | { kind: "gap" } {
  if (push.fromSeq > seenSeq) return { kind: "gap" };
  let ahead = 0;
  for (let i = seenSeq - push.fromSeq; i < push.numbers.length; i++)
    if ((push.numbers[i] as number) < queueNumber) ahead++;
  return { kind: "counted", seenSeq: Math.max(seenSeq, push.fromSeq + push.numbers.length), ahead };
}

export interface EtaInput {
  position: number;
  admitPerMinute: number;
  /** Checkout slots free right now (maxActiveCheckouts − activeCheckouts). */
  freeSlots: number;
  /** How fast full slots have been freeing up lately, when known (paid, left, expired per minute). */
  slotsFreedPerMinute?: number;
  paused?: boolean;
}

/**
 * Seconds until this fan is admitted, or null when nobody can honestly say: the room is paused,
 * or the fan's turn depends on checkouts finishing and nothing tells how fast they finish. The
 * fans that fit into free slots go at the admission rate; the rest at the slower of that rate
 * and the slot turnover.
 */
export function etaSeconds(input: EtaInput): number | null {
  const { position: pos, admitPerMinute, freeSlots } = input;
  assert(Number.isSafeInteger(pos) && pos >= 0, `bad position ${pos}`);
  assert(admitPerMinute >= 0 && freeSlots >= 0, "bad rate or slots");
  if (pos === 0) return 0;
  if (input.paused || admitPerMinute === 0) return null;
  const secondsAtRate = (Math.min(pos, freeSlots) * 60) / admitPerMinute;
  if (pos <= freeSlots) return Math.ceil(secondsAtRate);
  const turnoverPerMinute = Math.min(admitPerMinute, input.slotsFreedPerMinute ?? 0);
  if (turnoverPerMinute <= 0) return null;
  return Math.ceil(secondsAtRate + ((pos - freeSlots) * 60) / turnoverPerMinute);
}
