// Joins of the same moment in one Redis round trip per event: for each fan the join script, presence marked
// back and the fan's place, then the event's snapshot — read after every join of the batch, so
// each answer's room state already counts its own join. One pipeline per event and batch instead
// of four calls per join. Not atomic across commands (nor were the four calls); the join itself is one
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

/** One pipeline per event: its keys share the event's hash tag, so on a Redis Cluster the pipeline
 * goes to the one node that owns them (ioredis refuses a pipeline spanning nodes). */
async function joinAll(redis: Scripted, keys: KeysOf, requests: JoinRequest[]): Promise<JoinView[]> {
  const byEvent = new Map<string, JoinRequest[]>();
  for (const r of requests) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r]);
  const views = new Map<JoinRequest, JoinView>();
  await Promise.all(
    [...byEvent].map(async ([eventId, ofEvent]) => {
      const answers = await joinEvent(redis, keys(eventId), ofEvent);
      ofEvent.forEach((r, i) => views.set(r, answers[i]!));
    }),
  );
  return requests.map((r) => views.get(r)!);
}

async function joinEvent(redis: Scripted, k: WaitingRoomKeys, requests: JoinRequest[]): Promise<JoinView[]> {
  const pipeline = redis.pipeline() as Pipeline;
  for (const { fanId, nowMs } of requests) {
    checkTime(nowMs);
    pipeline.wrJoin(k.phase, k.seq, k.q, k.pre, k.preseq, k.active, k.fan(fanId), k.epoch, fanId, nowMs);
    pipeline.zrem(k.away, fanId);
    pipeline.wrPlace(k.q, k.admitted, k.departedseq, fanId);
  }
  pipeline.wrSnapshot(k.phase, k.cursor, k.q, k.pre, k.active, k.admitted, k.seq, k.epoch);
  const replies = await pipeline.exec();
  if (!replies) throw new Error("Connection is closed: the joins' pipeline was discarded");
  const failed = replies.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  const snapshot = parseSnapshot(replies[3 * requests.length]![1]);
  return requests.map((_, i) => {
    const joined = parseJoin(replies[3 * i]![1]);
    const place = joined?.state === "waiting" ? parsePlace(replies[3 * i + 2]![1]) : null;
    return { joined, snapshot, place };
  });
}
