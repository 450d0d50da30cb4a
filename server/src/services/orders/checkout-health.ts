// This node's view of the checkout's health, for self-tuning admission (admission-control.ts):
// hold latency (p95 over the last seconds), settlement lag (payment captured → order paid), hold
// requests refused as overloaded, and the live gauges (holds in flight, database pool waits,
// webhooks being settled). Every node publishes its reading to Redis once a second; each event's
// ticker reads them all (checkout-health-store.ts). In memory and bounded.
import type { Clock } from "@stampede/shared/ports/clock";
import type { CheckoutHealth } from "@stampede/shared/core/admission-control";
import { checkoutHealthWindowMs } from "@stampede/shared/limits";

/** The last seconds a reading covers. */
export const healthWindowMs = checkoutHealthWindowMs;
/** The holds answered per second are counted over this much of the window: slow start doubles
 * the rate every second, so a longer average would lag it. */
export const paceWindowMs = 2_000;
/** Latency samples kept (the newest): bounds memory at any request rate. */
const samplesMax = 8_192;

export interface HealthGauges {
  holdsInFlight: () => number;
  poolWaits: () => number;
  webhooksWaiting: () => number;
}

class Window {
  private readonly at: number[] = [];
  private readonly values: number[] = [];

  add(atMs: number, value: number): void {
    if (this.at.length >= samplesMax) {
      this.at.shift();
      this.values.shift();
    }
    this.at.push(atMs);
    this.values.push(value);
  }

  /** How many samples are newer than sinceMs (none dropped). */
  countSince(sinceMs: number): number {
    let n = 0;
    for (let i = this.at.length - 1; i >= 0 && (this.at[i] as number) >= sinceMs; i--) n++;
    return n;
  }

  /** Values newer than sinceMs (older ones are dropped). */
  since(sinceMs: number): number[] {
    let drop = 0;
    while (drop < this.at.length && (this.at[drop] as number) < sinceMs) drop++;
    this.at.splice(0, drop);
    this.values.splice(0, drop);
    return this.values;
  }
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

export class CheckoutHealthMeter {
  private readonly holds = new Window();
  private readonly lags = new Window();
  private readonly poolWaitSamples = new Window();
  private refusals = 0;
  /** Provider capture times of the payments being settled right now, by a token per settlement. */
  private readonly inSettlement = new Map<number, number>();
  private settlingSeq = 0;
  private gauges: HealthGauges = { holdsInFlight: () => 0, poolWaits: () => 0, webhooksWaiting: () => 0 };

  constructor(private readonly now: Clock = Date.now) {}

  /** Where the live gauges come from (wired once the pool and the gates exist). */
  watch(gauges: Partial<HealthGauges>): void {
    this.gauges = { ...this.gauges, ...gauges };
  }

  holdAnswered(latencyMs: number): void {
    const at = this.now();
    this.holds.add(at, latencyMs);
    this.poolWaitSamples.add(at, this.gauges.poolWaits());
  }

  holdRefused(): void {
    this.refusals++;
  }

  /** A payment captured at capturedAtMs is being settled: until settled() its age counts as lag,
   * so a settlement that is stuck shows at once, not when it finally ends. */
  settling(capturedAtMs: number): () => void {
    const token = ++this.settlingSeq;
    this.inSettlement.set(token, capturedAtMs);
    return () => this.inSettlement.delete(token);
  }

  /** A payment became a paid order lagMs after the provider captured it. */
  settled(lagMs: number): void {
    this.lags.add(this.now(), Math.max(0, lagMs));
  }

  /** The reading to publish; refusals count from the previous reading. */
  reading(): CheckoutHealth {
    const now = this.now();
    const since = now - healthWindowMs;
    const holdsPerSecond = this.holds.countSince(now - paceWindowMs) / (paceWindowMs / 1_000);
    // The oldest settlement in flight is as late as any finished one (the webhook gate bounds how many there are).
    let oldest: number | null = null;
    for (const capturedAtMs of this.inSettlement.values())
      oldest = oldest === null ? capturedAtMs : Math.min(oldest, capturedAtMs);
    const lags = oldest === null ? this.lags.since(since) : [...this.lags.since(since), now - oldest];
    const health: CheckoutHealth = {
      overloadRefusals: this.refusals,
      holdP95Ms: percentile(this.holds.since(since), 0.95),
      settlementLagMs: lags.length === 0 ? null : Math.max(...lags),
      poolWaits: Math.max(this.gauges.poolWaits(), ...this.poolWaitSamples.since(since)),
      holdsInFlight: this.gauges.holdsInFlight(),
      webhooksWaiting: this.gauges.webhooksWaiting(),
      holdsPerSecond,
    };
    this.refusals = 0;
    return health;
  }
}
