// Joining, leaving and reading the waiting room, for sockets and the REST fallback alike.
// Outcomes are tagged; the transport maps them to acks or HTTP answers.
import type { Clock } from "@stampede/shared/ports/clock";
import type { QueueEntry, QueueStatus, QueueView } from "@stampede/shared/protocol";
import type { FanProofs } from "@stampede/shared/api/queue";
import { isUuid } from "@stampede/shared/ids";
import type { Admission, JoinResult, JoinView, WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { EventCache } from "../events/event-cache.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { DomainError } from "../errors.js";
import type { TokenService } from "../fans/tokens.js";
import { inPreQueuePeriod, queueEntry, queueStatus } from "./room-state.js";
import type { RoomRecovery } from "./room-recovery.js";

export type JoinOutcome =
  { kind: "joined"; entry: QueueEntry } | { kind: "not_found" } | { kind: "closed"; entry: QueueEntry };

const joinableStatuses = new Set(["scheduled", "on_sale", "paused", "sold_out"]);

export class WaitingRoomService {
  /** Events whose pre-queue this node has already set up (saves a Redis call per join). */
  private readonly preQueueReady = new Set<string>();

  constructor(
    private readonly store: WaitingRoom,
    private readonly events: EventCache,
    private readonly tokens: TokenService,
    private readonly recovery: RoomRecovery,
    private readonly now: Clock = Date.now,
  ) {}

  async event(eventId: string): Promise<EventRecord | null> {
    if (!isUuid(eventId)) return null;
    const event = await this.events.get(eventId);
    return event && event.status !== "draft" ? event : null;
  }

  async admissionToken(
    eventId: string,
    fanId: string,
    admission: Admission & { queueNumber?: number | null },
  ): Promise<{ token: string; expiresAt: string }> {
    const claims = { fanId, eventId, jti: admission.jti, expiresAtMs: admission.expiresAtMs };
    const token = await this.tokens.signAdmission(
      admission.queueNumber ? { ...claims, queueNumber: admission.queueNumber } : claims,
    );
    return { token, expiresAt: new Date(admission.expiresAtMs).toISOString() };
  }

  /**
   * Idempotent: the same fan gets the same number from any tab, node or reconnect. The proofs
   * (the fan's place and admission tokens) count only in a room rebuilt without the fan.
   */
  async join(eventId: string, fanId: string, proofs: FanProofs = {}): Promise<JoinOutcome> {
    const event = await this.event(eventId);
    if (!event) return { kind: "not_found" };
    const nowMs = this.now();
    if (!joinableStatuses.has(event.status)) {
      const snapshot = await this.store.snapshot(eventId);
      return {
        kind: "closed",
        entry: queueEntry(event, snapshot.phase, { state: "waiting", queueNumber: null }, snapshot.servedUpTo),
      };
    }
    if (inPreQueuePeriod(event, nowMs) && !this.preQueueReady.has(eventId)) {
      // Before opening, joins must land in the pre-queue even if no ticker has run yet.
      await this.store.setPreQueue(eventId);
      this.preQueueReady.add(eventId);
    }
    const restored = (await this.recovery.restoreFan(eventId, fanId, proofs)) === "restored";
    const { joined, snapshot, place } = await this.joinRoom(eventId, fanId, nowMs);
    const live = joined.admission && joined.admission.expiresAtMs > nowMs ? joined.admission : undefined;
    const admission = live
      ? await this.admissionToken(eventId, fanId, { ...live, queueNumber: joined.queueNumber })
      : undefined;
    const entry = this.withProofs(
      queueEntry(event, snapshot.phase, joined, snapshot.servedUpTo, admission, place),
      fanId,
      joined.epoch,
    );
    if (restored) entry.restored = true;
    return { kind: "joined", entry };
  }

  /** Joins, making the room (or rebuilding it from its checkpoint) when it has no epoch. */
  private async joinRoom(eventId: string, fanId: string, nowMs: number): Promise<JoinView & { joined: JoinResult }> {
    const view = await this.store.joinAndView(eventId, fanId, nowMs);
    if (view.joined) return { ...view, joined: view.joined };
    await this.recovery.ensure(eventId);
    const again = await this.store.joinAndView(eventId, fanId, nowMs);
    // Lost again within a moment: the store is flapping, and the fan is told to retry (not_ready).
    if (!again.joined) throw new DomainError("not_ready", "the waiting room is being rebuilt; try again in a moment");
    return { ...again, joined: again.joined };
  }

  /** The place token (while the fan has a number) and the room's epoch, for a later rebuild. */
  private withProofs(entry: QueueEntry, fanId: string, epoch: string): QueueEntry {
    if (entry.queueNumber) entry.placeToken = this.tokens.signPlace(fanId, entry.eventId, entry.queueNumber);
    if (epoch) entry.roomEpoch = epoch;
    return entry;
  }

  async leave(eventId: string, fanId: string): Promise<boolean> {
    if (!isUuid(eventId)) return false;
    return this.store.leave(eventId, fanId);
  }

  /** The room's status alone (the transparency board). */
  async status(eventId: string): Promise<QueueStatus | null> {
    const event = await this.event(eventId);
    if (!event) return null;
    return queueStatus(event, await this.store.snapshot(eventId), this.now());
  }

  /** The REST fallback's poll: the fan's entry (if any) and the room's status. */
  async view(eventId: string, fanId: string): Promise<QueueView | null> {
    const event = await this.event(eventId);
    if (!event) return null;
    const nowMs = this.now();
    const [snapshot, entry, place] = await Promise.all([
      this.store.snapshot(eventId),
      this.store.entry(eventId, fanId),
      this.store.place(eventId, fanId),
    ]);
    let fanEntry: QueueEntry | null = null;
    const liveAdmission =
      entry?.state === "admitted" && entry.admission && entry.admission.expiresAtMs > nowMs
        ? entry.admission
        : undefined;
    // An admission that has ended (expired, or used up) means the fan is no longer in line.
    if (entry && (entry.state === "pre_queue" || entry.state === "waiting" || liveAdmission)) {
      const withNumber = liveAdmission && { ...liveAdmission, queueNumber: entry.queueNumber };
      const admission = withNumber ? await this.admissionToken(eventId, fanId, withNumber) : undefined;
      const joined = { state: entry.state as "pre_queue" | "waiting" | "admitted", queueNumber: entry.queueNumber };
      fanEntry = this.withProofs(
        queueEntry(event, snapshot.phase, joined, snapshot.servedUpTo, admission, place),
        fanId,
        snapshot.epoch,
      );
    }
    return { entry: fanEntry, status: queueStatus(event, snapshot, nowMs) };
  }
}
