// Goal: an admitted fan can only pick what the rules allow (perOrderMax, what is left, perFanMax),
// a hold is placed once per attempt however often the button is pressed or the network fails,
// the order's private link is kept before the browser leaves for the payment page, and every
// refusal reads as plain words with a next step.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import {
  codeRefusalWords,
  HoldForm,
  holdProblem,
  overloadRetryDelayMs,
  overloadRetryWords,
  type HoldView,
} from "./checkout.svelte.js";
import { memoryStorage } from "./storage.js";
import { apiError, fakeFetch, json, tier, type Responder } from "./test-support.js";
import type { TicketClassView } from "./views.js";

const held: HoldView = {
  orderId: "o1",
  orderToken: "ot1",
  status: "held",
  expiresAt: "2030-03-14T18:05:00Z",
  items: [{ classId: "c1", code: "GA", quantity: 2, unitPriceCents: 4500 }],
  totalCents: 9000,
  currency: "USD",
  paymentUrl: "http://127.0.0.1:3000/mockpay/checkout/s1",
};

function setup(
  responder: Responder = () => json(201, held),
  tiers: TicketClassView[] = [
    tier(),
    tier({ id: "c2", code: "VIP", name: "VIP", priceCents: 9900, perOrderMax: 2, available: 1 }),
  ],
  random: () => number = () => 0,
  presaleOpen = false,
) {
  const fetch = fakeFetch(responder);
  const storage = memoryStorage();
  const visited: string[] = [];
  let keys = 0;
  let admission: string | null = "adm-1";
  const form = new HoldForm({
    api: createApi({ fetch }),
    eventId: "e1",
    perFanMax: () => 6,
    tiers: () => tiers,
    admissionToken: () => admission,
    fanToken: () => "fan-token",
    goTo: (url) => visited.push(url),
    storage,
    newKey: () => `key-${++keys}`,
    random,
    presaleOpen: () => presaleOpen,
  });
  return { form, fetch, storage, visited, dropAdmission: () => (admission = null) };
}

describe("HoldForm: the choice", () => {
  it("caps each tier at its perOrderMax and what is left, and the whole at perFanMax", () => {
    const { form } = setup(undefined, [
      tier({ id: "a", perOrderMax: 4, available: 100 }),
      tier({ id: "b", perOrderMax: 4, available: 100 }),
      tier({ id: "c", perOrderMax: 4, available: 2 }),
    ]);
    form.setQuantity("a", 9);
    expect(form.quantities.a).toBe(4);
    form.setQuantity("c", 3);
    expect(form.quantities.c).toBe(2); // only 2 left
    expect(form.maxFor(form.tiers[1]!)).toBe(0); // 4 + 2 = perFanMax 6
    form.setQuantity("b", 1);
    expect(form.quantities.b).toBe(0);
    form.setQuantity("a", -3);
    expect(form.quantities.a).toBe(0);
  });

  it("offers no more than the fan has left of perFanMax: tickets they already hold or bought count", () => {
    const { form } = setup(undefined, [
      tier({ id: "a", perOrderMax: 8, available: 100 }),
      tier({ id: "b", perOrderMax: 8, available: 100 }),
    ]);
    expect(form.maxFor(form.tiers[0]!)).toBe(6); // not known yet: the whole limit
    let left: number | null = 4;
    form.limitTo(() => left);
    expect(form.maxFor(form.tiers[0]!)).toBe(4);
    form.setQuantity("a", 6);
    expect(form.quantities.a).toBe(4);
    expect(form.maxFor(form.tiers[1]!)).toBe(0);
    form.setQuantity("a", 3);
    expect(form.maxFor(form.tiers[1]!)).toBe(1);
    // The fan paid for more elsewhere meanwhile: the choice is now over what is left, and says why.
    left = 2;
    form.limitTo(() => left);
    expect(form.choiceError).toBe(
      "You can pick at most 2 more: you already have 4 of the 6 tickets allowed per fan for this event.",
    );
  });

  it("offers only tiers with tickets left", () => {
    const { form } = setup(undefined, [tier({ id: "a", available: 0 }), tier({ id: "b" })]);
    expect(form.tiers.map((t) => t.id)).toEqual(["b"]);
  });

  it("totals the choice and validates it and the email", () => {
    const { form } = setup();
    expect(form.choiceError).toBe("Pick at least one ticket.");
    form.setQuantity("c1", 2);
    form.setQuantity("c2", 1);
    expect(form.total).toEqual({ cents: 2 * 4500 + 9900, currency: "USD" });
    expect(form.emailError).not.toBeNull();
    form.email = " fan@example.com ";
    expect(form.valid).toBe(true);
  });
});

describe("HoldForm: placing the hold", () => {
  it("posts the admission, items and email with the fan token and a key, keeps the order link, then goes to pay", async () => {
    const { form, fetch, storage, visited } = setup();
    form.setQuantity("c1", 2);
    form.email = "fan@example.com";
    expect(await form.submit()).toBe(true);
    expect(fetch.calls[0]).toMatchObject({
      method: "POST",
      path: "/api/events/e1/holds",
      headers: { Authorization: "Bearer fan-token", "Idempotency-Key": "key-1" },
      body: { admissionToken: "adm-1", items: [{ classId: "c1", quantity: 2 }], email: "fan@example.com" },
    });
    expect(JSON.parse(storage.items.get("stampede:order:o1") ?? "null")).toEqual({ orderId: "o1", orderToken: "ot1" });
    expect(visited).toEqual([held.paymentUrl]);
  });

  it("does not send an invalid form, and shows field errors only after a try", async () => {
    const { form, fetch } = setup();
    expect(form.tried).toBe(false);
    expect(await form.submit()).toBe(false);
    expect(form.tried).toBe(true);
    expect(fetch.calls).toHaveLength(0);
  });

  it("reuses the key when no answer came, and makes a new one after a refusal or a changed choice", async () => {
    const answers = [
      () => Promise.reject(new TypeError("Failed to fetch")),
      () => apiError(503, "ledger_unavailable"),
      () => apiError(409, "request_in_progress"),
      () => apiError(409, "insufficient_stock"),
      () => json(201, held),
    ];
    let n = 0;
    const { form, fetch } = setup(() => answers[n++]!());
    form.setQuantity("c1", 4);
    form.email = "fan@example.com";
    await form.submit();
    expect(form.problem?.next).toBe("retry");
    await form.submit();
    expect(form.problem?.message).toMatch(/press Hold tickets again/);
    await form.submit();
    expect(form.problem).toMatchObject({ code: "request_in_progress", next: "retry" });
    await form.submit();
    expect(form.problem).toMatchObject({ code: "insufficient_stock", next: "change" });
    form.setQuantity("c1", 1);
    await form.submit();
    expect(fetch.calls.map((c) => c.headers["Idempotency-Key"])).toEqual(["key-1", "key-1", "key-1", "key-1", "key-2"]);
  });

  it("ignores a second press while the first is in flight", async () => {
    let release: (r: Response) => void = () => {};
    const { form, fetch } = setup(() => new Promise((r) => (release = r)));
    form.setQuantity("c1", 1);
    form.email = "fan@example.com";
    const first = form.submit();
    expect(await form.submit()).toBe(false);
    release(json(201, held));
    expect(await first).toBe(true);
    expect(fetch.calls).toHaveLength(1);
  });

  it("without an admission it says to join again and sends nothing", async () => {
    const { form, fetch, dropAdmission } = setup();
    dropAdmission();
    form.setQuantity("c1", 1);
    form.email = "fan@example.com";
    expect(await form.submit()).toBe(false);
    expect(form.problem?.next).toBe("rejoin");
    expect(fetch.calls).toHaveLength(0);
  });
});

describe("HoldForm: an overloaded checkout", () => {
  afterEach(() => vi.useRealTimers());
  const overloaded = (retryAfter = "2") =>
    apiError(503, "overloaded", "hold queue full", { "Retry-After": retryAfter });

  /** A form whose first `refusals` answers are 503 overloaded, then the hold; the fan has pressed Hold. */
  async function pressed(refusals: number, random = () => 0) {
    vi.useFakeTimers();
    let n = 0;
    const t = setup(() => (n++ < refusals ? overloaded() : json(201, held)), undefined, random);
    t.form.setQuantity("c1", 2);
    t.form.email = "fan@example.com";
    const outcome = t.form.submit();
    await vi.advanceTimersByTimeAsync(0);
    return { ...t, outcome };
  }

  it("tries again by itself after Retry-After, with the same key, saying so and keeping the turn", async () => {
    const { form, fetch, visited, outcome } = await pressed(2);
    expect(fetch.calls).toHaveLength(1);
    expect(form.retryNotice).toBe("Lots of fans are checking out right now — trying again in 2 s. You keep your turn.");
    expect(form.problem).toBeNull();
    expect(form.submitting).toBe(true);
    expect(await form.submit()).toBe(false); // a press meanwhile sends nothing more
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fetch.calls).toHaveLength(1); // not before Retry-After
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toBe(true);
    expect(fetch.calls.map((c) => c.headers["Idempotency-Key"])).toEqual(["key-1", "key-1", "key-1"]);
    expect(fetch.calls.map((c) => c.body)).toEqual(Array(3).fill(fetch.calls[0]!.body));
    expect(visited).toEqual([held.paymentUrl]);
    expect(form.retryNotice).toBeNull();
    expect(form.submitting).toBe(false);
  });

  it("adds up to half of Retry-After as jitter, so refused fans don't come back together", async () => {
    const { form, fetch, outcome } = await pressed(1, () => 0.99);
    expect(form.retryNotice).toMatch(/trying again in 3 s/); // 2 s + 0.99 × 1 s
    await vi.advanceTimersByTimeAsync(2_989);
    expect(fetch.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe(true);
    expect(fetch.calls).toHaveLength(2);
  });

  it("stops after five retries and asks the fan to press again, still with the same key", async () => {
    const { form, fetch, outcome } = await pressed(99);
    await vi.advanceTimersByTimeAsync(5 * 2_000);
    expect(await outcome).toBe(false);
    expect(fetch.calls).toHaveLength(6); // the first try and five retries
    expect(form.retryNotice).toBeNull();
    const message = expect.stringMatching(/you keep your turn, and you won't get two holds/);
    expect(form.problem).toMatchObject({ code: "overloaded", next: "retry", message });
    const again = form.submit();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch.calls.at(-1)?.headers["Idempotency-Key"]).toBe("key-1");
    form.destroy();
    expect(await again).toBe(false);
  });

  it("a page that goes away stops the waiting retry", async () => {
    const { form, fetch, outcome } = await pressed(1);
    form.destroy();
    expect(await outcome).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch.calls).toHaveLength(1);
  });

  it("bounds the wait and words it in whole seconds", () => {
    expect(overloadRetryDelayMs(2, 0)).toBe(2_000);
    expect(overloadRetryDelayMs(2, 0.5)).toBe(2_500);
    expect(overloadRetryDelayMs(null, 0)).toBe(1_000); // no Retry-After: a second
    expect(overloadRetryDelayMs(3_600, 0)).toBe(30_000); // a fan's turn is short
    expect(overloadRetryDelayMs(0, 0)).toBe(0);
    expect(overloadRetryWords(2_500)).toBe(
      "Lots of fans are checking out right now — trying again in 3 s. You keep your turn.",
    );
    expect(overloadRetryWords(0)).toMatch(/in 1 s\./);
  });
});

describe("holdProblem", () => {
  const err = (status: number, code: string) =>
    ({ status, code, message: code, retryAfterSeconds: null }) as Parameters<typeof holdProblem>[0];

  it("says each refusal in plain words with what to do next", () => {
    expect(holdProblem(err(403, "admission_required"), 6)).toMatchObject({
      next: "rejoin",
      message: expect.stringMatching(/Join the queue again/),
    });
    expect(holdProblem(err(409, "sold_out"), 6)).toMatchObject({
      next: "none",
      message: expect.stringMatching(/^Sold out/),
    });
    expect(holdProblem(err(409, "insufficient_stock"), 6).next).toBe("change");
    expect(holdProblem(err(409, "hold_active"), 6).message).toMatch(/already have tickets on hold/);
    expect(holdProblem(err(409, "sale_not_open"), 6).message).toMatch(/paused/);
    expect(holdProblem(err(422, "invalid_request"), 6).next).toBe("change");
    expect(holdProblem(err(429, "fan_limit_reached"), 6).message).toMatch(/limit of 6 tickets per fan/);
    expect(holdProblem(err(503, "ledger_unavailable"), 6).next).toBe("retry");
    expect(holdProblem(err(0, "timeout"), 6).message).toMatch(/won't get two holds/);
  });
});

describe("HoldForm: codes", () => {
  it("needs a code while the presale is on, sends it trimmed, and sends none when left empty", async () => {
    const presale = setup(undefined, undefined, undefined, true);
    presale.form.setQuantity("c1", 1);
    presale.form.email = "fan@example.com";
    expect(await presale.form.submit()).toBe(false);
    expect(presale.form.codeError).toMatch(/presale is on/);
    expect(presale.fetch.calls).toHaveLength(0);
    presale.form.code = "  fans-7kq2 ";
    expect(await presale.form.submit()).toBe(true);
    expect(presale.fetch.calls[0]!.body).toMatchObject({ code: "fans-7kq2" });

    const general = setup();
    general.form.setQuantity("c1", 1);
    general.form.email = "fan@example.com";
    expect(general.form.codeError).toBeNull();
    expect(await general.form.submit()).toBe(true);
    expect(general.fetch.calls[0]!.body).not.toHaveProperty("code");
  });

  it("says why a code was refused, by its reason, and lets the fan change it", () => {
    const invalid = (reason: unknown) => ({ ...apiErrorOf(409, "code_invalid"), details: { reason } });
    expect(holdProblem(invalid("other_event"), 6)).toEqual({
      code: "code_invalid",
      message: "That code is for another event.",
      next: "change",
    });
    expect(holdProblem(invalid("wrong_tier"), 6).message).toMatch(/tier that isn't in your choice/);
    expect(codeRefusalWords({ reason: "something new" })).toMatch(/We don't know that code/);
    expect(codeRefusalWords(undefined)).toMatch(/We don't know that code/);
    expect(holdProblem(apiErrorOf(409, "code_used_up"), 6).next).toBe("change");
    expect(holdProblem(apiErrorOf(403, "code_required"), 6).message).toMatch(/presale is on/);
  });
});

function apiErrorOf(status: number, code: "code_invalid" | "code_used_up" | "code_required") {
  return { status, code, message: code, retryAfterSeconds: null };
}
