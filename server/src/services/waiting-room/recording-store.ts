// The Redis waiting room with the fairness audit's recording beside it: every join, opening,
// admission tick and leave tells the AdmissionRecorder what it learned, in memory (the recorder
// writes to PostgreSQL about once a second). Whoever calls the store — socket handlers, the REST
// fallback, the ticker, the presence sweep — records without knowing it.
import type { AdmitOptions, JoinResult, JoinView } from "@stampede/shared/ports/waiting-room";
import type { Redis } from "../../adapters/redis/connection.js";
import { WaitingRoomStore } from "../../adapters/redis/waiting-room/store.js";
import type { AdmissionRecorder } from "./admission-recorder.js";

export class RecordingWaitingRoomStore extends WaitingRoomStore {
  constructor(
    redis: Redis,
    prefix: string,
    private readonly recorder: Pick<AdmissionRecorder, "joined" | "numbered" | "admitted" | "left">,
    private readonly now: () => number = Date.now,
  ) {
    super(redis, prefix);
  }

  override async join(eventId: string, fanId: string, nowMs: number): Promise<JoinResult | null> {
    const joined = await super.join(eventId, fanId, nowMs);
    if (joined) this.recorder.joined(eventId, fanId, joined.queueNumber, nowMs);
    return joined;
  }

  override async joinAndView(eventId: string, fanId: string, nowMs: number): Promise<JoinView> {
    const view = await super.joinAndView(eventId, fanId, nowMs);
    if (view.joined) this.recorder.joined(eventId, fanId, view.joined.queueNumber, nowMs);
    return view;
  }

  override async admit(eventId: string, options: AdmitOptions): ReturnType<WaitingRoomStore["admit"]> {
    const result = await super.admit(eventId, options);
    if (result.admitted.length > 0) this.recorder.admitted(eventId, result.admitted, options.nowMs);
    return result;
  }

  override async leave(eventId: string, fanId: string): Promise<boolean> {
    const wasIn = await super.leave(eventId, fanId);
    if (wasIn) this.recorder.left(eventId, fanId, this.now());
    return wasIn;
  }

  /** A first opening numbers the given order 1..P; a resumed one (numbers already out) is recorded
   * at admission instead, where the number comes with the fan. */
  override async openPreQueue(eventId: string, orderedFanIds: readonly string[]): Promise<number> {
    const before = await this.snapshot(eventId);
    const numbered = await super.openPreQueue(eventId, orderedFanIds);
    if (before.lastNumber === 0) this.recorder.numbered(eventId, orderedFanIds);
    return numbered;
  }
}
