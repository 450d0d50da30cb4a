// The waiting room after its store lost its data: the server rebuilds the room under a new
// roomEpoch, and a fan gets their place back by joining again with the signed placeToken of their
// last entry (and an admission that has not run out). This keeps that token per event in storage,
// so a reload in the middle still has it; says when a status frame shows the room was rebuilt
// under the fan's feet (join again, once per epoch); and puts what the rebuild did to the fan's
// place into plain words. Pure state with injected storage; WaitingRoom does the joining.
import type { Admission, QueueEntry, QueueJoinRequest, QueueStatus } from "@stampede/shared/protocol";
import { readJson, storageKeys, writeJson, type KeyValueStorage } from "./storage.js";

/** What a rebuilt room did to the fan's place, for the page's notice. */
export type RestartNotice = "kept_place" | "kept_turn" | "lost_place";

/** How an entry stands to the fan's last one: the same room, a rebuilt one with the place kept, or a rebuilt one with a new place. */
export type RoomChange = "same_room" | "new_room" | "new_place";

/** What a join carries besides the event: the fan's proofs, only those the fan has. */
export type JoinProofs = Omit<QueueJoinRequest, "eventId">;

/** The fan's last entry as far as a rebuild needs it. */
interface KeptPlace {
  placeToken: string | null;
  roomEpoch: string | null;
  queueNumber: number | null;
}

export const restartNoticeWords: Record<RestartNotice, string> = {
  kept_place: "The waiting room was restarted. You kept your place in line.",
  kept_turn: "The waiting room was restarted. You kept your turn to buy.",
  lost_place: "The waiting room was restarted and your place could not be kept; you are back in line.",
};

export class RoomRebuild {
  /** Shown until the fan dismisses it (or joins again at the back). */
  notice = $state<RestartNotice | null>(null);
  #storage: KeyValueStorage | null;
  #key: string;
  #kept: KeptPlace | null;
  /** The epoch a join was last sent for because a frame showed it: one join per rebuild. */
  #askedEpoch: string | null = null;

  constructor(eventId: string, storage: KeyValueStorage | null) {
    this.#storage = storage;
    this.#key = storageKeys.place(eventId);
    this.#kept = keptPlaceOf(readJson(storage, this.#key));
  }

  /** The proofs for the next join: the kept placeToken, and the admission unless it ran out by the server's clock. */
  proofs(admission: Admission | null, serverNowMs: number): JoinProofs {
    const proofs: JoinProofs = {};
    if (this.#kept?.placeToken) proofs.placeToken = this.#kept.placeToken;
    if (admission !== null && Date.parse(admission.expiresAt) > serverNowMs) proofs.admissionToken = admission.token;
    return proofs;
  }

  /** An entry from the server (a join's answer or a poll): raises the notice, says whether the room was rebuilt. */
  entry(entry: QueueEntry): RoomChange {
    const change = changeOf(this.#kept, entry);
    const raised = noticeFor(change, entry);
    if (raised !== null) this.notice = raised;
    // An entry without a token (no number right now) keeps the last one: it still proves that number.
    const placeToken = entry.placeToken ?? this.#kept?.placeToken ?? null;
    this.#kept = { placeToken, roomEpoch: entry.roomEpoch ?? null, queueNumber: entry.queueNumber };
    writeJson(this.#storage, this.#key, this.#kept);
    return change;
  }

  /**
   * A status frame while the fan is in line: the epoch to join again for when the room was
   * rebuilt since the fan's entry, else null. Call asked(epoch) once the join is sent.
   */
  rebuiltSince(status: QueueStatus, entry: QueueEntry | null): string | null {
    const now = status.roomEpoch;
    const mine = entry?.roomEpoch;
    if (now === undefined || mine === undefined || now === mine || now === this.#askedEpoch) return null;
    return now;
  }

  asked(epoch: string): void {
    this.#askedEpoch = epoch;
  }

  dismiss(): void {
    this.notice = null;
  }

  /** The fan left for good or goes to the back of the line: the old place must not come back. */
  forget(): void {
    this.#kept = null;
    this.notice = null;
    this.#storage?.removeItem(this.#key);
  }
}

function changeOf(before: KeptPlace | null, entry: QueueEntry): RoomChange {
  const epochBefore = before?.roomEpoch ?? null;
  const epoch = entry.roomEpoch ?? null;
  const known = epochBefore !== null && epoch !== null;
  if (known && epoch === epochBefore) return "same_room"; // a "restored" repeated in the same room is not news
  if (entry.restored === true) return "new_room";
  if (!known || before === null) return "same_room";
  // A new number in a rebuilt room without "restored": the old place is gone.
  const renumbered =
    before.queueNumber !== null && entry.queueNumber !== null && entry.queueNumber !== before.queueNumber;
  return renumbered ? "new_place" : "new_room";
}

function noticeFor(change: RoomChange, entry: QueueEntry): RestartNotice | null {
  if (change === "same_room") return null;
  if (entry.restored === true)
    return entry.state === "admitted" || entry.admission !== undefined ? "kept_turn" : "kept_place";
  return change === "new_place" ? "lost_place" : null; // the fan should know why the number changed
}

function keptPlaceOf(value: unknown): KeptPlace | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  return {
    placeToken: typeof v.placeToken === "string" ? v.placeToken : null,
    roomEpoch: typeof v.roomEpoch === "string" ? v.roomEpoch : null,
    queueNumber: typeof v.queueNumber === "number" ? v.queueNumber : null,
  };
}
