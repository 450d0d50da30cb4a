// Joins of the same moment as one Redis round trip: for each fan the join script, presence marked
// back and the fan's place, then each event's snapshot — read after every join of the batch, so
// each answer's room state already counts its own join. One pipeline per batch instead of four
// calls per join. Not atomic across commands (nor were the four calls); the join itself is one
// script, as before.
import type { ChainableCommander } from "ioredis";
import { coalesce, type Coalesced } from "../../batching/coalesce.js";
import type { Redis } from "../connection.js";
import type { WaitingRoomKeys } from "./keys.js";
import { checkTime } from "./replies.js";
import { parseJoin, parsePlace, parseSnapshot } from "./room-types.js";
import type { JoinView } from "@stampede/shared/ports/waiting-room";
import type { WaitingRoomCommands } from "./scripts.js";

export interface JoinRequest {
  eventId: string;
  fanId: string;
  nowMs: number;
}

export type { JoinView };

type Pipeline = ChainableCommander & WaitingRoomCommands;

/** A batch taking longer than this answers as Redis not answering (503), as a single command would. */
const batchDeadlineMs = 5_000;

type Scripted = Redis & WaitingRoomCommands;
type KeysOf = (eventId: string) => WaitingRoomKeys;

export function joinBatches(redis: Scripted, keys: KeysOf): Coalesced<JoinRequest, JoinView> {
  return coalesce((requests: JoinRequest[]) => joinAll(redis, keys, requests), {
    deadlineMs: batchDeadlineMs,
    // A failed pipeline fails every join of it with Redis's own error.
    isUnavailable: () => true,
    unavailable: (message) => new Error(`Command timed out: waiting-room joins: ${message}`),
  });
}

async function joinAll(redis: Scripted, keys: KeysOf, requests: JoinRequest[]): Promise<JoinView[]> {
  const pipeline = redis.pipeline() as Pipeline;
  for (const { eventId, fanId, nowMs } of requests) {
    checkTime(nowMs);
    const k = keys(eventId);
    pipeline.wrJoin(k.phase, k.seq, k.q, k.pre, k.preseq, k.active, k.fan(fanId), k.epoch, fanId, nowMs);
    pipeline.zrem(k.away, fanId);
    pipeline.wrPlace(k.q, k.admitted, k.departedseq, fanId);
  }
  const events = [...new Set(requests.map((r) => r.eventId))];
  for (const eventId of events) {
    const k = keys(eventId);
    pipeline.wrSnapshot(k.phase, k.cursor, k.q, k.pre, k.active, k.admitted, k.seq, k.epoch);
  }
  const replies = await pipeline.exec();
  if (!replies) throw new Error("Connection is closed: the joins' pipeline was discarded");
  const failed = replies.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  const snapshots = new Map(events.map((eventId, i) => [eventId, parseSnapshot(replies[3 * requests.length + i]![1])]));
  return requests.map((r, i) => {
    const joined = parseJoin(replies[3 * i]![1]);
    const place = joined?.state === "waiting" ? parsePlace(replies[3 * i + 2]![1]) : null;
    return { joined, snapshot: snapshots.get(r.eventId)!, place };
  });
}
