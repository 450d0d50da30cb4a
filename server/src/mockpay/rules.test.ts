// Goal: a completion request meets a session's state as the contract says — same outcome twice is
// a no-op success, another outcome is a conflict, an open session past its expiry cannot complete
// (while a completed one still answers its first outcome after expiry) — and the redirect and ids
// have the shapes the shop and BullMQ need.
import { describe, expect, it } from "vitest";
import {
  completionOutcomes,
  decideCompletion,
  eventTypeFor,
  newEventId,
  newRefundId,
  newSessionId,
  redirectUrlFor,
} from "./rules.js";

describe("decideCompletion", () => {
  it.each(completionOutcomes)("an open session completes with %s", (outcome) => {
    expect(decideCompletion({ status: "open", expired: false }, outcome)).toEqual({ kind: "complete" });
  });

  it("the same outcome again is already_completed, even after expiry", () => {
    expect(decideCompletion({ status: "succeeded", expired: false }, "succeeded")).toEqual({
      kind: "already_completed",
    });
    expect(decideCompletion({ status: "canceled", expired: true }, "canceled")).toEqual({ kind: "already_completed" });
  });

  it("another outcome on a completed session is a conflict naming the status", () => {
    expect(decideCompletion({ status: "failed", expired: false }, "succeeded")).toEqual({
      kind: "conflict",
      status: "failed",
    });
    expect(decideCompletion({ status: "succeeded", expired: true }, "canceled")).toEqual({
      kind: "conflict",
      status: "succeeded",
    });
  });

  it("an open session past its expiry is expired", () => {
    expect(decideCompletion({ status: "open", expired: true }, "succeeded")).toEqual({ kind: "expired" });
  });
});

describe("redirect and ids", () => {
  it("appends session and outcome, keeping the return URL's own query", () => {
    expect(redirectUrlFor("https://shop.example/orders/o1?token=abc", "ps_1", "failed")).toBe(
      "https://shop.example/orders/o1?token=abc&session=ps_1&outcome=failed",
    );
  });

  it("maps outcomes to webhook types", () => {
    expect(completionOutcomes.map(eventTypeFor)).toEqual(["payment.succeeded", "payment.failed", "payment.canceled"]);
  });

  it("prefixes ids, keeps them free of ':', and makes them unique", () => {
    expect(newSessionId()).toMatch(/^ps_[0-9a-f]{32}$/);
    expect(newEventId()).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(newRefundId()).toMatch(/^re_[0-9a-f]{32}$/);
    const ids = Array.from({ length: 1000 }, newEventId);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });
});
