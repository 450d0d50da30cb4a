import { describe, expect, it } from "vitest";
import { fanRefundDecision, type RefundCase } from "./refund-window.js";

const hour = 3_600_000;
const paidAtMs = Date.UTC(2026, 11, 7, 12);
const base: RefundCase = {
  status: "paid",
  paidAtMs,
  startsAtMs: null,
  windowHours: 24,
  tickets: [{ checkedIn: false, resold: false }],
  openListings: 0,
  nowMs: paidAtMs + hour,
};

describe("a fan's refund", () => {
  it("is allowed inside the window, until its end or the event's start, whichever comes first", () => {
    expect(fanRefundDecision(base)).toEqual({ ok: true, untilMs: paidAtMs + 24 * hour });
    const startsAtMs = paidAtMs + 5 * hour;
    expect(fanRefundDecision({ ...base, startsAtMs })).toEqual({ ok: true, untilMs: startsAtMs });
  });

  it("is refused once the window ends or the event starts (the control: just before, allowed)", () => {
    expect(fanRefundDecision({ ...base, nowMs: paidAtMs + 24 * hour - 1 }).ok).toBe(true);
    expect(fanRefundDecision({ ...base, nowMs: paidAtMs + 24 * hour })).toMatchObject({ reason: "window_closed" });
    const startsAtMs = paidAtMs + 2 * hour;
    expect(fanRefundDecision({ ...base, startsAtMs, nowMs: startsAtMs })).toMatchObject({ reason: "event_started" });
  });

  it("is refused without a window, for unpaid orders, and for used, resold or listed tickets", () => {
    expect(fanRefundDecision({ ...base, windowHours: 0 })).toEqual({
      ok: false,
      reason: "no_fan_refunds",
      untilMs: null,
    });
    expect(fanRefundDecision({ ...base, status: "refunded" })).toMatchObject({ reason: "not_paid" });
    const used = [{ checkedIn: true, resold: false }];
    expect(fanRefundDecision({ ...base, tickets: used })).toMatchObject({ reason: "checked_in" });
    const sold = [{ checkedIn: false, resold: true }];
    expect(fanRefundDecision({ ...base, tickets: sold })).toMatchObject({ reason: "resold" });
    expect(fanRefundDecision({ ...base, openListings: 1 })).toMatchObject({ reason: "listed" });
  });
});
