// Goal: a node's health reading says what the checkout did over the last seconds — the p95 of
// hold latency, the worst settlement lag (a settlement still running counts by its age), refusals
// since the last reading, the live gauges — and forgets what is older than the window.
import { describe, expect, it } from "vitest";
import { CheckoutHealthMeter, healthWindowMs, paceWindowMs } from "./checkout-health.js";

function meter() {
  let clock = 1_000_000;
  const m = new CheckoutHealthMeter(() => clock);
  return { m, advance: (ms: number) => (clock += ms), now: () => clock };
}

describe("CheckoutHealthMeter", () => {
  it("reads a quiet checkout as healthy", () => {
    expect(meter().m.reading()).toEqual({
      overloadRefusals: 0,
      holdP95Ms: null,
      settlementLagMs: null,
      poolWaits: 0,
      holdsInFlight: 0,
      webhooksWaiting: 0,
      holdsPerSecond: 0,
    });
  });

  it("gives the p95 of the hold latencies in the window, and forgets older ones", () => {
    const { m, advance } = meter();
    for (let i = 1; i <= 100; i++) m.holdAnswered(i);
    expect(m.reading().holdP95Ms).toBe(95);
    advance(healthWindowMs + 1);
    m.holdAnswered(7);
    expect(m.reading().holdP95Ms).toBe(7);
    advance(healthWindowMs + 1);
    expect(m.reading().holdP95Ms).toBeNull();
  });

  it("counts the holds answered per second over the pace window, not the whole window", () => {
    const { m, advance } = meter();
    for (let i = 0; i < 50; i++) m.holdAnswered(10);
    advance(paceWindowMs - 1);
    for (let i = 0; i < 30; i++) m.holdAnswered(10);
    // Both batches are in the pace window: 80 holds over it.
    expect(m.reading().holdsPerSecond).toBe(80 / (paceWindowMs / 1_000));
    advance(2);
    // The first batch left the pace window but not the latency window.
    expect(m.reading()).toMatchObject({ holdsPerSecond: 30 / (paceWindowMs / 1_000), holdP95Ms: 10 });
  });

  it("counts refusals from one reading to the next", () => {
    const { m } = meter();
    m.holdRefused();
    m.holdRefused();
    expect(m.reading().overloadRefusals).toBe(2);
    expect(m.reading().overloadRefusals).toBe(0);
  });

  it("counts a settlement still running by its age, and a finished one by its lag while in the window", () => {
    const { m, advance, now } = meter();
    const done = m.settling(now() - 1_000);
    advance(3_000);
    expect(m.reading().settlementLagMs).toBe(4_000);
    done();
    m.settled(4_000);
    advance(1_000);
    expect(m.reading().settlementLagMs).toBe(4_000); // the finished one, still in the window
    advance(healthWindowMs);
    expect(m.reading().settlementLagMs).toBeNull();
  });

  it("reads the live gauges, and keeps the worst pool wait seen at a hold in the window", () => {
    const { m, advance } = meter();
    let waits = 12;
    m.watch({ holdsInFlight: () => 300, poolWaits: () => waits, webhooksWaiting: () => 9 });
    m.holdAnswered(5);
    waits = 0;
    expect(m.reading()).toMatchObject({ holdsInFlight: 300, poolWaits: 12, webhooksWaiting: 9 });
    advance(healthWindowMs + 1);
    expect(m.reading().poolWaits).toBe(0);
  });
});
