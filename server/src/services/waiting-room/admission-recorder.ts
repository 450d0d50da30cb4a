// The fairness audit's recording: what the waiting room learns about each fan (joined, numbered,
// admitted, left) goes into a bounded in-memory buffer, merged per (event, fan), and is written
// to PostgreSQL by one multi-row upsert about once a second — never a PostgreSQL round trip on a
// join or inside an admission tick. The price: a node that crashes loses the facts of its last
// second (at most admissionRecordFlushMs), and a buffer full while PostgreSQL is down drops new
// fans' facts (counted in `dropped`). The audit is a report, not a ledger: both are acceptable.
import {
  admissionRecordBatchFansMax,
  admissionRecordBufferFansMax,
  admissionRecordFlushMs,
} from "@stampede/shared/limits";
import { isUuid } from "@stampede/shared/ids";
import type { AdmissionFact } from "../../adapters/postgres/admission-records-repo.js";
import type { Logger } from "../../logger.js";

export interface AdmissionFactSink {
  upsert(facts: readonly AdmissionFact[]): Promise<void>;
}

export interface RecorderOptions {
  flushMs?: number;
  bufferFansMax?: number;
  batchFansMax?: number;
}

type Learned = Partial<Omit<AdmissionFact, "eventId" | "fanId">>;

/** The merge PostgreSQL does too (admission-records-repo.ts): earliest join, first admission with
 * its number, first leave; a number learned before admission replaces an older one. */
export function mergeFacts(old: AdmissionFact, next: AdmissionFact): AdmissionFact {
  const joined = [old.joinedAtMs, next.joinedAtMs].filter((t): t is number => t !== null);
  return {
    eventId: old.eventId,
    fanId: old.fanId,
    queueNumber: old.admittedAtMs !== null ? old.queueNumber : (next.queueNumber ?? old.queueNumber),
    joinedAtMs: joined.length === 0 ? null : Math.min(...joined),
    admittedAtMs: old.admittedAtMs ?? next.admittedAtMs,
    leftAtMs: old.leftAtMs ?? next.leftAtMs,
  };
}

export class AdmissionRecorder {
  private buffer = new Map<string, AdmissionFact>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Facts refused because the buffer was full. */
  dropped = 0;
  private readonly flushMs: number;
  private readonly bufferFansMax: number;
  private readonly batchFansMax: number;

  constructor(
    private readonly sink: AdmissionFactSink,
    private readonly logger: Logger,
    options: RecorderOptions = {},
  ) {
    this.flushMs = options.flushMs ?? admissionRecordFlushMs;
    this.bufferFansMax = options.bufferFansMax ?? admissionRecordBufferFansMax;
    this.batchFansMax = options.batchFansMax ?? admissionRecordBatchFansMax;
  }

  joined(eventId: string, fanId: string, queueNumber: number | null, atMs: number): void {
    this.learn(eventId, fanId, { queueNumber, joinedAtMs: atMs });
  }

  /** Numbers handed out at the pre-queue's opening, in order from 1. */
  numbered(eventId: string, orderedFanIds: readonly string[]): void {
    orderedFanIds.forEach((fanId, i) => this.learn(eventId, fanId, { queueNumber: i + 1 }));
  }

  admitted(eventId: string, fans: ReadonlyArray<{ fanId: string; queueNumber: number }>, atMs: number): void {
    for (const fan of fans) this.learn(eventId, fan.fanId, { queueNumber: fan.queueNumber, admittedAtMs: atMs });
  }

  left(eventId: string, fanId: string, atMs: number): void {
    this.learn(eventId, fanId, { leftAtMs: atMs });
  }

  /** Writes what is buffered now (after any flush already running). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private learn(eventId: string, fanId: string, learned: Learned): void {
    if (!isUuid(eventId) || !isUuid(fanId)) return; // not a fan of ours (a tool's made-up id): nothing to record
    const fact: AdmissionFact = {
      eventId,
      fanId,
      queueNumber: learned.queueNumber ?? null,
      joinedAtMs: learned.joinedAtMs ?? null,
      admittedAtMs: learned.admittedAtMs ?? null,
      leftAtMs: learned.leftAtMs ?? null,
    };
    const key = `${eventId}/${fanId}`;
    const old = this.buffer.get(key);
    if (!old && this.buffer.size >= this.bufferFansMax) {
      this.dropped++;
      return;
    }
    this.buffer.set(key, old ? mergeFacts(old, fact) : fact);
    // One timer while facts wait, none when idle: nothing to start or stop with the app.
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  private async write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const facts = [...this.buffer.values()];
    this.buffer = new Map();
    for (let i = 0; i < facts.length; i += this.batchFansMax) {
      const batch = facts.slice(i, i + this.batchFansMax);
      try {
        await this.sink.upsert(batch);
      } catch (err) {
        // Lost for the audit (see the top): the sale goes on; the next flush writes what came since.
        this.dropped += batch.length;
        this.logger.warn({ err, facts: batch.length }, "admission records not written");
      }
    }
  }
}
