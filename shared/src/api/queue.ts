// The waiting room's shapes (contract.md "Waiting room"): the REST fallback's answers and the
// Socket.IO payloads of the same names (protocol.ts re-exports the types). The server's handlers
// are typed from these schemas and its response check parses each HTTP answer with them. The
// join's proofs are here too: the server validates the REST body and queue:join with them.
import { z } from "zod";
import { admissionModes, queueModes } from "./events.js";
import { challengePayloadCharsMax } from "./bot-defence.js";

/** What a fan presents when joining again (`POST /api/events/:eventId/queue`, queue:join): the tokens
 * of its last entry (they count only if the room was rebuilt without the fan). */
export const fanProofs = z.object({
  placeToken: z.string().max(64).optional(),
  admissionToken: z.string().max(2048).optional(),
  /** A solved bot-defence challenge (the ALTCHA payload, base64 JSON): needed when the join answered challenge_required. */
  challenge: z.string().max(challengePayloadCharsMax).optional(),
});
export type FanProofs = z.output<typeof fanProofs>;

const count = z.int().min(0);
/** Times go out as ISO-8601 UTC (toISOString), as the contract says. */
const utcTime = z.iso.datetime();

export const queueStates = ["pre_queue", "waiting", "admitted", "paused", "sold_out", "closed"] as const;
export type QueueState = (typeof queueStates)[number];

export const admissionView = z.strictObject({ token: z.string(), expiresAt: utcTime });
export type Admission = z.output<typeof admissionView>;

export const placeBasis = z.strictObject({
  /** queue:status admittedTotal at that instant: each admission since moved the fan up one. */
  admittedTotal: count,
  /** The departure counter at that instant: queue:departed numbers after it, below the fan's number, moved them up one each. */
  departedSeq: count,
});
export type PlaceBasis = z.output<typeof placeBasis>;

export const queueEntryView = z.strictObject({
  eventId: z.string(),
  state: z.enum(queueStates),
  queueNumber: count.nullable(),
  /** People still waiting ahead of this fan plus one (1 = next); null before a number is given. */
  position: count.nullable(),
  admission: admissionView.optional(),
  /** While waiting: the room's counters `position` was read with, so the client keeps it current
   * from the room's pushes (shared/src/core/admission.ts placeNow). */
  basis: placeBasis.optional(),
  /** While the fan holds a number: signed proof of it. Sent back with a join after the room was
   * rebuilt (see roomEpoch), it gives the same number back. Keep it for as long as the sale lasts. */
  placeToken: z.string().optional(),
  /** The room's incarnation this entry belongs to; a queue:status with another roomEpoch means the
   * room was rebuilt (its store lost its data): join again with the placeToken and admission. */
  roomEpoch: z.string().optional(),
  /** This join gave back a place or an admission from before the room was rebuilt. */
  restored: z.boolean().optional(),
});
export type QueueEntry = z.output<typeof queueEntryView>;

export const queueStatusView = z.strictObject({
  eventId: z.string(),
  state: z.enum(queueStates),
  /** The highest queue number admitted so far: queueNumber − servedUpTo bounds a fan's position
   * from above; fans ahead who left (queue:departed) come off it. */
  servedUpTo: count,
  waiting: count,
  /** The rate the room admits at now: the operator's (manual) or the one it steers to (auto). */
  admitPerMinute: z.number().min(0),
  admission: z.enum(admissionModes).optional(),
  /** Admissions per minute as they actually happened over the last seconds (what an ETA should use). */
  admittedPerMinute: z.number().min(0).optional(),
  /** Every ticket left is held by fans ahead: nobody is admitted until holds end (the next at `until`, when known). */
  allHeld: z.strictObject({ until: utcTime.nullable() }).optional(),
  activeCheckouts: count,
  /** Checkout slots in all: with activeCheckouts, clients tell how many are free (for the ETA). */
  maxActiveCheckouts: count,
  /** Fans admitted so far (the transparency board). */
  admittedTotal: count,
  /** When the pre-queue opens into the queue (scheduled on-sale), else null. */
  opensAt: utcTime.nullable().optional(),
  /** Server time of this tick (ms since epoch): clients measure push latency with it. */
  sentAtMs: z.number().optional(),
  /** The room's incarnation: it changes when the room is rebuilt after its store lost its data. */
  roomEpoch: z.string().optional(),
});
export type QueueStatus = z.output<typeof queueStatusView>;

/** REST fallback (`GET`/`POST /api/events/:eventId/queue`): the fan's entry and the room's status. */
export const queueView = z.strictObject({ entry: queueEntryView.nullable(), status: queueStatusView });
export type QueueView = z.output<typeof queueView>;

/** `DELETE /api/events/:eventId/queue` (and the queue:leave ack): whether the fan was in line. */
export const queueLeaveView = z.strictObject({ left: z.boolean() });
export type QueueLeaveView = z.output<typeof queueLeaveView>;

/** The verifiable lottery (`GET /api/events/:eventId/lottery`): the seed's hash is published when
 * the pre-queue opens; the seed and the participants' public ids are published at the draw, so
 * anyone can recompute the order with HMAC-SHA256(seed, publicId). */
export const lotteryView = z.strictObject({
  eventId: z.string(),
  mode: z.enum(queueModes),
  seedHash: z.string().nullable(),
  seed: z.string().nullable(),
  drawnAt: utcTime.nullable(),
  /** Public ids in draw order (after the draw). */
  order: z.array(z.string()).nullable(),
});
export type LotteryView = z.output<typeof lotteryView>;
