// Key names of the waiting room, in one place so the store, the ticker lease and the tests agree.
// Every key of an event carries the hash tag {<eventId>}, so one event's keys live in one Redis
// Cluster slot and a script may touch all of them — including the per-fan hashes it derives from
// fanKeyBase, which share the tag.
import { assert } from "@stampede/shared/assert";
import { redisKey } from "../connection.js";

export const waitingRoomKeyNames = [
  "seq", // INCR: queue numbers
  "q", // ZSET fan → number: fans waiting with a number
  "pre", // ZSET fan → arrival order: the pre-queue before opening
  "preseq", // INCR: arrival order in the pre-queue
  "phase", // pre | opening | open (missing = open)
  "cursor", // highest number admitted so far (servedUpTo)
  "active", // ZSET fan → slot expiry ms: checkout slots
  "bucket", // hash tokenParts, lastMs: the rate budget
  "admitted", // admissions so far
  "away", // ZSET fan → since ms: fans with no socket left
  "departedseq", // INCR: fans who left the line while waiting, so far
  "departed", // LIST: queue numbers that left the line, oldest first, until a tick announces them
  "epoch", // the room's incarnation: set when the room is made or rebuilt; gone = the store lost the room
  "steer", // STRING: the admission controller's state and the health it last read (steering-store.ts)
  "steerlog", // LIST: the controller's recent steps, newest first, capped (the dashboard's chart)
  "refused", // ZSET fan → ms: fans refused at a hold for want of stock lately (steering-store.ts)
] as const;

export type WaitingRoomKeyName = (typeof waitingRoomKeyNames)[number];

export type WaitingRoomKeys = Record<WaitingRoomKeyName, string> & {
  /** Prefix of the per-fan hashes: fanKeyBase + fanId. */
  fanKeyBase: string;
  fan(fanId: string): string;
};

/** `<prefix>:wr:{<eventId>}` — the part every key of the event starts with. */
export function waitingRoomKeyPrefix(prefix: string, eventId: string): string {
  // A brace in the prefix or the id would move or break the hash tag.
  assert(
    !/[{}]/.test(prefix) && !/[{}]/.test(eventId) && eventId.length > 0,
    `bad waiting-room key parts ${prefix} ${eventId}`,
  );
  return redisKey(prefix, "wr", `{${eventId}}`);
}

/** One event's waiting-room keys: `<prefix>:wr:{<eventId>}:<name>` and `…:fan:<fanId>`. */
export function waitingRoomKeys(prefix: string, eventId: string): WaitingRoomKeys {
  const base = waitingRoomKeyPrefix(prefix, eventId);
  const names = Object.fromEntries(waitingRoomKeyNames.map((n) => [n, `${base}:${n}`])) as Record<
    WaitingRoomKeyName,
    string
  >;
  const fanKeyBase = `${base}:fan:`;
  return {
    ...names,
    fanKeyBase,
    fan(fanId: string) {
      assert(fanId.length > 0, "empty fan id");
      return fanKeyBase + fanId;
    },
  };
}
