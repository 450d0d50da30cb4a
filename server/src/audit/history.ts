// The invariants sampled over a whole run, not only at its end: while a sale (or a fault
// campaign) goes on, every event's audit is taken at an interval; each violation is recorded with
// the time it was seen. At the end one last audit (nothing may be left in flight then) and the
// settlement checks (I3, I4) close the history. A sample that fails because PostgreSQL is away is
// counted, not a violation: the invariants are about what is stored, and nothing is read then.
// A disagreement with the orders that a request in flight explains (classify.ts) is a violation
// only if it outlasts `inFlightMaxMs` or is still there at rest: a payment posted in the ledger
// whose commit a crash or a database restart interrupted is completed by the webhook's retry,
// and those back off for minutes (webhookDeliveryAttemptsMax), so a short bound would cry wolf.
import type { Clock } from "@stampede/shared/ports/clock";
import type { Ledger } from "@stampede/shared/ledger/port";
import { dependencyUnavailable } from "../adapters/dependency-errors.js";
import type { Pool } from "../adapters/postgres/pool.js";
import { classifyProblems, problemKey, type AuditProblem } from "./classify.js";
import { auditEvents, auditTargets, type AuditedEvent } from "./events.js";
import { settlementProblems } from "./settlement.js";

export interface Violation {
  /** When it was seen (epoch ms). */
  atMs: number;
  invariant: "I1/I2" | "ledger↔orders" | "I3" | "I4";
  eventId: string | null;
  subject: string;
  problem: string;
}

export interface HistoryOptions {
  ledger: Ledger;
  pool: Pool;
  /** Only this event; else every event that is not a draft, read again at each sample. */
  eventId?: string;
  everyMs: number;
  /** How long a disagreement that may be in flight may last before it counts (10 min by default:
   * the webhook retries' span, ~8 min, and the outbox relay's pass). */
  inFlightMaxMs?: number;
  now?: Clock;
}

const inFlightMaxMsDefault = 10 * 60_000;

export interface HistoryResult {
  samples: number;
  /** Samples that could not be taken (PostgreSQL or the ledger away). */
  failedSamples: number;
  /** The first few failures that were not a dependency being away. */
  sampleErrors: string[];
  /** Disagreements with the orders seen in a sample and gone by a later one (in flight). */
  passingDisagreements: number;
  /** The longest time one of those lasted (between the samples that saw it first and last). */
  longestPassingMs: number;
  violations: Violation[];
  final: AuditedEvent[];
}

export class HistoryChecker {
  private readonly now: Clock;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly firstSeen = new Map<string, { atMs: number; lastMs: number; reported: boolean }>();
  private readonly result: HistoryResult = {
    samples: 0,
    failedSamples: 0,
    sampleErrors: [],
    passingDisagreements: 0,
    longestPassingMs: 0,
    violations: [],
    final: [],
  };
  private readonly inFlightMaxMs: number;

  constructor(private readonly options: HistoryOptions) {
    this.now = options.now ?? Date.now;
    this.inFlightMaxMs = options.inFlightMaxMs ?? inFlightMaxMsDefault;
  }

  get violations(): readonly Violation[] {
    return this.result.violations;
  }

  /** Samples now and then every `everyMs` (one at a time) until finish(). */
  start(): void {
    const tick = (): void => {
      this.running = this.sample().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.everyMs);
      });
    };
    tick();
  }

  /** One sample; a failure to read is counted (and kept unless a dependency was away), never thrown. */
  async sample(): Promise<void> {
    let audited: AuditedEvent[];
    try {
      const events = await auditTargets(this.options.pool, this.options.eventId);
      audited = await auditEvents(this.options.ledger, this.options.pool, events);
    } catch (err) {
      // Unavailable dependencies are expected in a fault run; anything else is kept to be shown.
      this.result.failedSamples++;
      if (dependencyUnavailable(err) === null && this.result.sampleErrors.length < 5)
        this.result.sampleErrors.push((err as Error).message);
      return;
    }
    this.result.samples++;
    this.record(audited.flatMap((a) => classifyProblems(a.audit)));
  }

  private record(problems: AuditProblem[]): void {
    const atMs = this.now();
    const present = new Set<string>();
    for (const p of problems) {
      if (!p.mayBeInFlight) {
        this.result.violations.push({
          atMs,
          invariant: p.invariant,
          eventId: p.eventId,
          subject: p.subject,
          problem: p.problem,
        });
        continue;
      }
      const key = problemKey(p);
      present.add(key);
      const seen = this.firstSeen.get(key) ?? { atMs, lastMs: atMs, reported: false };
      seen.lastMs = atMs;
      this.firstSeen.set(key, seen);
      if (!seen.reported && atMs - seen.atMs > this.inFlightMaxMs) {
        seen.reported = true;
        const forS = Math.round((atMs - seen.atMs) / 1000);
        const problem = `${p.problem} (for ${forS} s, longer than a request stays in flight)`;
        this.result.violations.push({ atMs, invariant: p.invariant, eventId: p.eventId, subject: p.subject, problem });
      }
    }
    for (const [key, seen] of [...this.firstSeen]) {
      if (present.has(key)) continue;
      this.firstSeen.delete(key);
      this.result.passingDisagreements++;
      this.result.longestPassingMs = Math.max(this.result.longestPassingMs, seen.lastMs - seen.atMs);
    }
  }

  /** Stops sampling and waits for a sample in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Stops sampling, then the final audit — everything must agree now, in flight or not — and the
   * settlement checks (I3, I4). Call it once the run is at rest; `graceSeconds` leaves out payments
   * and expiries more recent than that (a live system is never quite at rest).
   */
  async finish(graceSeconds = 0): Promise<HistoryResult> {
    await this.stop();
    const atMs = this.now();
    const events = await auditTargets(this.options.pool, this.options.eventId);
    this.result.final = await auditEvents(this.options.ledger, this.options.pool, events);
    for (const a of this.result.final) {
      for (const p of classifyProblems(a.audit)) {
        // Live (grace > 0) a disagreement may still be in flight: it counts when it outlasted the bound.
        if (graceSeconds > 0 && p.mayBeInFlight) continue;
        this.result.violations.push({
          atMs,
          invariant: p.invariant,
          eventId: p.eventId,
          subject: p.subject,
          problem: p.problem,
        });
      }
    }
    const settled = await settlementProblems(
      this.options.pool,
      events.map((e) => e.id),
      graceSeconds,
    );
    const eventOf = await this.eventsOfOrders(settled.map((p) => p.orderId));
    for (const p of settled) {
      const eventId = eventOf.get(p.orderId) ?? null;
      this.result.violations.push({
        atMs,
        invariant: p.invariant,
        eventId,
        subject: `order ${p.orderId}`,
        problem: p.problem,
      });
    }
    return this.result;
  }

  private async eventsOfOrders(orderIds: string[]): Promise<Map<string, string>> {
    if (orderIds.length === 0) return new Map();
    const { rows } = await this.options.pool.query<{ id: string; event_id: string }>(
      "SELECT id, event_id FROM orders WHERE id = ANY($1::uuid[])",
      [orderIds],
    );
    return new Map(rows.map((r) => [r.id, r.event_id]));
  }
}
