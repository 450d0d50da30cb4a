// A waiting room outlives its store. The ticker saves the room's counters to PostgreSQL; when
// Redis comes back empty (restarted without persistence, or flushed), the first node to notice —
// a join, a tick or a hold — rebuilds the room from that checkpoint under a new epoch, and fans
// get back what their signed tokens prove: an admission that has not run out (unless it was
// used to buy), or their queue number if it is still ahead of the cursor. Clients see the new
// epoch in the next queue:status frame and join again with their tokens.
import type { Clock } from "@stampede/shared/ports/clock";
import type { FanProofs } from "@stampede/shared/api/queue";
import type { FanProof, FanRestore, RoomRestore } from "../../adapters/redis/waiting-room/room-restore.js";
import type { WaitingRoomSnapshot } from "@stampede/shared/ports/waiting-room";
import type { Logger } from "../../logger.js";
import type { AdmissionClaims, TokenService } from "../fans/tokens.js";
import type { CheckpointsRepo } from "../../adapters/postgres/checkpoints-repo.js";

export interface RoomRecoveryDeps {
  restore: RoomRestore;
  checkpoints: CheckpointsRepo;
  tokens: TokenService;
  /** Whether the fan bought with this admission (then it ended, and is not given back). */
  admissionUsed: (fanId: string, jti: string) => Promise<boolean>;
  logger: Logger;
  now?: Clock;
}

const admittedProof = (claims: AdmissionClaims): FanProof => ({
  kind: "admitted",
  jti: claims.jti,
  expiresAtMs: claims.expiresAtMs,
  queueNumber: claims.queueNumber ?? 0,
});

export class RoomRecovery {
  private readonly now: Clock;
  /** Last checkpoint saved from this node, per event: unchanged counters are not written again. */
  private readonly saved = new Map<string, string>();
  private readonly saving = new Set<string>();

  constructor(private readonly deps: RoomRecoveryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The room's epoch; a room without one is made, or rebuilt from its checkpoint. */
  async ensure(eventId: string): Promise<string> {
    const epoch = await this.deps.restore.epoch(eventId);
    if (epoch) return epoch;
    const checkpoint = await this.deps.checkpoints.get(eventId);
    const made = await this.deps.restore.restoreRoom(eventId, checkpoint, this.now());
    if (made.made && checkpoint) {
      this.deps.logger.warn(
        { eventId, epoch: made.epoch, checkpoint },
        "waiting room rebuilt from its checkpoint: the store had lost it",
      );
    }
    return made.epoch;
  }

  /**
   * Saves the room's counters if they changed since this node last saved them. In the
   * background, one save per event at a time: admission never waits on PostgreSQL (a tick that
   * waited out a database outage would stop the line), and a failed save is retried next tick.
   */
  checkpoint(eventId: string, s: WaitingRoomSnapshot): void {
    if (!s.epoch || this.saving.has(eventId)) return; // a room without an epoch is not the room to save
    const c = { servedUpTo: s.servedUpTo, lastNumber: s.lastNumber, admittedTotal: s.admittedTotal, phase: s.phase };
    const key = JSON.stringify(c);
    if (this.saved.get(eventId) === key) return;
    this.saving.add(eventId);
    this.deps.checkpoints
      .save(eventId, c)
      .then(() => this.saved.set(eventId, key))
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, eventId }, "saving the room's checkpoint failed; the next tick tries again"),
      )
      .finally(() => this.saving.delete(eventId));
  }

  /**
   * Gives the fan back what the proofs show, if the room does not know the fan (see
   * restore-fan.lua): the admission first, else the place. `no_room` asks the caller to ensure().
   */
  async restoreFan(eventId: string, fanId: string, proofs: FanProofs): Promise<FanRestore> {
    const nowMs = this.now();
    // Most joins come from fans the room knows: one EXISTS, and no token or database work.
    if (!proofs.admissionToken && !proofs.placeToken) return "stale";
    if (await this.deps.restore.knows(eventId, fanId)) return "exists";
    const claims = proofs.admissionToken ? await this.deps.tokens.verifyAdmission(proofs.admissionToken) : null;
    if (claims && (await this.admissionProof(eventId, fanId, claims))) {
      const outcome = await this.restore(eventId, fanId, admittedProof(claims), nowMs);
      if (outcome !== "stale") return outcome;
    }
    const number = proofs.placeToken ? this.deps.tokens.verifyPlace(proofs.placeToken, fanId, eventId) : null;
    if (number === null) return "stale";
    return this.restore(eventId, fanId, { kind: "waiting", queueNumber: number }, nowMs);
  }

  /** For a hold whose admission the room no longer knows: gives it back if the token allows it. */
  async restoreAdmission(eventId: string, fanId: string, claims: AdmissionClaims): Promise<boolean> {
    if (!(await this.admissionProof(eventId, fanId, claims))) return false;
    return (await this.restore(eventId, fanId, admittedProof(claims), this.now())) === "restored";
  }

  private async admissionProof(eventId: string, fanId: string, claims: AdmissionClaims): Promise<boolean> {
    if (claims.fanId !== fanId || claims.eventId !== eventId || claims.expiresAtMs <= this.now()) return false;
    return !(await this.deps.admissionUsed(fanId, claims.jti));
  }

  /** Restores the fan, making or rebuilding the room first if it has no epoch. */
  private async restore(eventId: string, fanId: string, proof: FanProof, nowMs: number): Promise<FanRestore> {
    const outcome = await this.deps.restore.restoreFan(eventId, fanId, proof, nowMs);
    if (outcome !== "no_room") return outcome;
    await this.ensure(eventId);
    return this.deps.restore.restoreFan(eventId, fanId, proof, nowMs);
  }
}
