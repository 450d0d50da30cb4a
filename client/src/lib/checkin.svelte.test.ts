// Goal: each answer of the check-in endpoint becomes the right verdict (admitted with the tier,
// already in with the first time, another event's, refunded, not valid, a problem to retry), a
// door set up for one event names it with every code, the field clears for the next code, and
// the camera's repeated reads of one code are sent once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { CheckIn } from "./checkin.svelte.js";
import { apiError, fakeFetch, json } from "./test-support.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse("2030-03-14T20:31:05Z"));
});
afterEach(() => vi.useRealTimers());

function setup(eventId: string | null = null) {
  const seen = new Set<string>();
  const fetch = fakeFetch((call) => {
    const code = (call.body as { code: string }).code;
    if (code === "down") return apiError(503, "not_ready");
    if (code === "nope") return apiError(404, "invalid_ticket");
    if (code === "scanner-denied") return apiError(403, "forbidden");
    if (code === "elsewhere")
      return json(409, { error: { code: "wrong_event", message: "x", details: { classCode: "GA", eventId: "e2" } } });
    if (code === "refunded")
      return json(404, {
        error: { code: "invalid_ticket", message: "x", details: { refunded: true, classCode: "GA" } },
      });
    if (seen.has(code)) {
      return json(409, {
        error: {
          code: "already_checked_in",
          message: "x",
          details: { checkedInAt: "2030-03-14T20:31:05.000Z", classCode: "VIP" },
        },
      });
    }
    seen.add(code);
    return json(200, { ticketId: "t1", classCode: "VIP", checkedInAt: "2030-03-14T20:31:05.000Z", firstScan: true });
  });
  return { fetch, checkin: new CheckIn({ api: createApi({ fetch }), eventId }) };
}

describe("CheckIn", () => {
  it("admits the first scan, then says when it was for the second", async () => {
    const { checkin, fetch } = setup();
    checkin.code = "  CODE-1  ";
    expect(await checkin.submit()).toEqual({
      kind: "admitted",
      classCode: "VIP",
      checkedInAt: "2030-03-14T20:31:05.000Z",
    });
    expect(fetch.calls[0]?.body).toEqual({ code: "CODE-1" });
    expect(checkin.code).toBe("");
    checkin.code = "CODE-1";
    expect(await checkin.submit()).toEqual({
      kind: "already",
      checkedInAt: "2030-03-14T20:31:05.000Z",
      classCode: "VIP",
    });
    expect(checkin.history.map((l) => l.result.kind)).toEqual(["already", "admitted"]);
    expect(checkin.last?.result.kind).toBe("already");
  });

  it("says not valid, and keeps the code when the server didn't answer", async () => {
    const { checkin } = setup();
    checkin.code = "nope";
    expect(await checkin.submit()).toEqual({ kind: "invalid" });
    checkin.code = "down";
    expect(await checkin.submit()).toMatchObject({ kind: "error" });
    expect(checkin.code).toBe("down");
    expect(await checkin.check("scanner-denied")).toEqual({
      kind: "error",
      message: "Your account isn't allowed to check tickets in.",
    });
  });

  it("says when a genuine ticket is for another event or was refunded", async () => {
    const { checkin } = setup();
    expect(await checkin.check("elsewhere")).toEqual({ kind: "wrong_event", classCode: "GA" });
    expect(await checkin.check("refunded")).toEqual({ kind: "refunded", classCode: "GA" });
  });

  it("names the door's event with every code when it has one", async () => {
    const one = setup("e1");
    await one.checkin.check("k7qm2 xpd9c");
    expect(one.fetch.calls[0]?.body).toEqual({ code: "k7qm2 xpd9c", eventId: "e1" });
    const any = setup();
    await any.checkin.check("K7QM2-XPD9C");
    expect(any.fetch.calls[0]?.body).toEqual({ code: "K7QM2-XPD9C" });
  });

  it("ignores empty codes", async () => {
    const { checkin, fetch } = setup();
    expect(await checkin.check("   ")).toBeNull();
    expect(fetch.calls).toEqual([]);
  });

  it("sends a code the camera keeps reading once, and again after a pause", async () => {
    const { checkin, fetch } = setup();
    await checkin.scanned("CAM-1");
    await checkin.scanned("CAM-1");
    expect(fetch.calls).toHaveLength(1);
    vi.advanceTimersByTime(5_000);
    expect(await checkin.scanned("CAM-1")).toMatchObject({ kind: "already" });
    expect(fetch.calls).toHaveLength(2);
  });
});
