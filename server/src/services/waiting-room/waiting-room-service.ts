// Joining, leaving and reading the waiting room, for sockets and the REST fallback alike.
// Outcomes are tagged; the transport maps them to acks or HTTP answers.
import type { QueueEntry, QueueStatus, QueueView } from "@stampede/shared/protocol";
import { isUuid } from "@stampede/shared/ids";
import type { WaitingRoomStore, Admission } from "../../adapters/redis/waiting-room/store.js";
import type { EventCache } from "../events/event-cache.js";
import type { EventRecord } from "../events/events-repo.js";
import type { TokenService } from "../fans/tokens.js";
import { inPreQueuePeriod, queueEntry, queueStatus } from "./room-state.js";

export type JoinOutcome = { kind: "joined"; entry: QueueEntry } | { kind: "not_found" } | { kind: "closed"; entry: QueueEntry };

const joinableStatuses = new Set(["scheduled", "on_sale", "paused", "sold_out"]);

export class WaitingRoomService {
  /** Events whose pre-queue this node has already set up (saves a Redis call per join). */
  private readonly preQueueReady = new Set<string>();

  constructor(
    private readonly store: WaitingRoomStore,
    private readonly events: EventCache,
    private readonly tokens: TokenService,
    private readonly now: () => number = Date.now,
  ) {}

  async event(eventId: string): Promise<EventRecord | null> {
    if (!isUuid(eventId)) return null;
    const event = await this.events.get(eventId);
    return event && event.status !== "draft" ? event : null;
  }

  async admissionToken(eventId: string, fanId: string, admission: Admission): Promise<{ token: string; expiresAt: string }> {
    const token = await this.tokens.signAdmission({ fanId, eventId, jti: admission.jti, expiresAtMs: admission.expiresAtMs });
    return { token, expiresAt: new Date(admission.expiresAtMs).toISOString() };
  }

  /** Idempotent: the same fan gets the same number from any tab, node or reconnect. */
  async join(eventId: string, fanId: string): Promise<JoinOutcome> {
    const event = await this.event(eventId);
    if (!event) return { kind: "not_found" };
    const nowMs = this.now();
    if (!joinableStatuses.has(event.status)) {
      const snapshot = await this.store.snapshot(eventId);
      return { kind: "closed", entry: queueEntry(event, snapshot.phase, { state: "waiting", queueNumber: null }, snapshot.servedUpTo) };
    }
    if (inPreQueuePeriod(event, nowMs) && !this.preQueueReady.has(eventId)) {
      // Before opening, joins must land in the pre-queue even if no ticker has run yet.
      await this.store.setPreQueue(eventId);
      this.preQueueReady.add(eventId);
    }
    const joined = await this.store.join(eventId, fanId, nowMs);
    await this.store.markBack(eventId, fanId);
    const [snapshot, place] = await Promise.all([this.store.snapshot(eventId), joined.state === "waiting" ? this.store.place(eventId, fanId) : null]);
    const admission = joined.admission && joined.admission.expiresAtMs > nowMs ? await this.admissionToken(eventId, fanId, joined.admission) : undefined;
    return { kind: "joined", entry: queueEntry(event, snapshot.phase, joined, snapshot.servedUpTo, admission, place) };
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
    const [snapshot, entry, place] = await Promise.all([this.store.snapshot(eventId), this.store.entry(eventId, fanId), this.store.place(eventId, fanId)]);
    let fanEntry: QueueEntry | null = null;
    const liveAdmission = entry?.state === "admitted" && entry.admission && entry.admission.expiresAtMs > nowMs ? entry.admission : undefined;
    // An admission that has ended (expired, or used up) means the fan is no longer in line.
    if (entry && (entry.state === "pre_queue" || entry.state === "waiting" || liveAdmission)) {
      const admission = liveAdmission ? await this.admissionToken(eventId, fanId, liveAdmission) : undefined;
      fanEntry = queueEntry(event, snapshot.phase, { state: entry.state as "pre_queue" | "waiting" | "admitted", queueNumber: entry.queueNumber }, snapshot.servedUpTo, admission, place);
    }
    return { entry: fanEntry, status: queueStatus(event, snapshot, nowMs) };
  }
}
