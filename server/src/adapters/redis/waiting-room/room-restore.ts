// Making a room, and rebuilding one the store lost (a Redis restart without persistence, a flush):
// the room's epoch, its counters from the last checkpoint, and fans given back what their signed
// proofs say. The scripts' headers say exactly what is restored and when.
import { randomBytes } from "node:crypto";
import { assert } from "@stampede/shared/assert";
import type { Redis } from "../connection.js";
import type { Phase } from "./store.js";
import { waitingRoomKeys } from "./keys.js";
import { checkTime, int, list, str } from "./replies.js";
import { withWaitingRoomCommands, type WaitingRoomCommands } from "./scripts.js";

/** The counters the ticker saves (PostgreSQL) so a lost room can be rebuilt. */
export interface RoomCheckpoint {
  servedUpTo: number;
  lastNumber: number;
  admittedTotal: number;
  phase: Phase;
}

/** What a fan proves with a signed token: an admission (queueNumber 0 when unknown) or a place. */
export type FanProof =
  | { kind: "admitted"; jti: string; expiresAtMs: number; queueNumber: number }
  | { kind: "waiting"; queueNumber: number };

export type FanRestore = "restored" | "exists" | "stale" | "no_room";

const fanOutcomes: readonly string[] = ["restored", "exists", "stale", "no_room"] satisfies FanRestore[];

export class RoomRestore {
  private readonly redis: Redis & WaitingRoomCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = withWaitingRoomCommands(redis);
  }

  /** The room's epoch, or null when the room has none. */
  async epoch(eventId: string): Promise<string | null> {
    return this.redis.get(waitingRoomKeys(this.prefix, eventId).epoch);
  }

  /** Whether the room has the fan's hash (any state, a tombstone too). */
  async knows(eventId: string, fanId: string): Promise<boolean> {
    return (await this.redis.exists(waitingRoomKeys(this.prefix, eventId).fan(fanId))) === 1;
  }

  /** Gives the room an epoch, restoring the checkpoint's counters if there is one; only the first caller does. */
  async restoreRoom(
    eventId: string,
    checkpoint: RoomCheckpoint | null,
    nowMs: number,
  ): Promise<{ made: boolean; epoch: string }> {
    checkTime(nowMs);
    const k = waitingRoomKeys(this.prefix, eventId);
    const c = checkpoint ?? { servedUpTo: 0, lastNumber: 0, admittedTotal: 0, phase: "open" };
    const reply = await this.redis.wrRestoreRoom(
      ...[k.epoch, k.cursor, k.seq, k.admitted, k.phase, k.bucket],
      ...[
        randomBytes(9).toString("base64url"),
        checkpoint ? 1 : 0,
        c.servedUpTo,
        c.lastNumber,
        c.admittedTotal,
        c.phase,
        nowMs,
      ],
    );
    const [made, epoch] = list(reply, 2);
    return { made: int(made) === 1, epoch: str(epoch) };
  }

  /** Gives a fan the rebuilt room does not know what their proof says (see restore-fan.lua). */
  async restoreFan(eventId: string, fanId: string, proof: FanProof, nowMs: number): Promise<FanRestore> {
    checkTime(nowMs);
    assert(Number.isSafeInteger(proof.queueNumber) && proof.queueNumber >= 0, `bad queue number ${proof.queueNumber}`);
    const k = waitingRoomKeys(this.prefix, eventId);
    const admission = proof.kind === "admitted" ? [proof.jti, proof.expiresAtMs] : ["", 0];
    const keys = [k.fan(fanId), k.q, k.active, k.cursor, k.seq, k.phase, k.epoch];
    const outcome = str(
      await this.redis.wrRestoreFan(...keys, ...[fanId, proof.kind, proof.queueNumber, ...admission, nowMs]),
    );
    assert(fanOutcomes.includes(outcome), `unknown restore outcome ${outcome}`);
    return outcome as FanRestore;
  }
}
