// Goal: MockPay's API and hosted page behave like a real provider's (R6–R8 rely on it): one session
// per order; a completion writes exactly one event row and queues its delivery, whatever the
// repeats, races or conflicting clicks; expiry is MockPay's own 24 h; refunds are once per session;
// the page works with plain forms under the shop's CSP. Delivery itself is tested in the workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../test/support/services.js";
import {
  completeViaApi,
  eventRows,
  newSession,
  startMockPayHarness,
  type MockPayHarness,
} from "../../test/support/mockpay.js";

let h: MockPayHarness;
beforeAll(async () => {
  h = await startMockPayHarness();
});
afterAll(async () => {
  await h?.close();
});

async function jobIds(): Promise<string[]> {
  const jobs = await h.queue.getJobs(["waiting", "delayed", "prioritized", "active", "completed", "failed"]);
  return jobs.map((j) => j.id ?? "").sort();
}

async function expire(sessionId: string): Promise<void> {
  await h.pool.query("UPDATE mockpay_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [sessionId]);
}

describe("createSession", () => {
  it("gives one session per order, even when called concurrently", async () => {
    const input = {
      orderId: "order-race",
      amountCents: 1_000,
      currency: "EUR",
      description: "x",
      returnUrl: "http://shop.test/r",
    };
    const sessions = await Promise.all(Array.from({ length: 8 }, () => h.mockpay.provider.createSession(input)));
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(1);
    expect(sessions[0]?.paymentUrl).toBe(`${h.url}/mockpay/checkout/${sessions[0]?.sessionId}`);
    const { rows } = await h.pool.query(
      "SELECT count(*)::int AS n FROM mockpay_sessions WHERE order_id = 'order-race'",
    );
    expect(rows[0].n).toBe(1);
  });

  it("asserts on a changed amount for the same order (a caller bug) and on bad input", async () => {
    const input = {
      orderId: "order-changed",
      amountCents: 1_000,
      currency: "USD",
      description: "x",
      returnUrl: "http://shop.test/r",
    };
    await h.mockpay.provider.createSession(input);
    await expect(h.mockpay.provider.createSession({ ...input, amountCents: 999 })).rejects.toThrow(
      /already has a session/,
    );
    await expect(
      h.mockpay.provider.createSession({ ...input, orderId: "o2", returnUrl: "javascript:alert(1)" }),
    ).rejects.toThrow(/returnUrl/);
    await expect(h.mockpay.provider.createSession({ ...input, orderId: "o3", currency: "usd" })).rejects.toThrow(
      /currency/,
    );
  });

  it("is readable over the API, open, expiring in 24 h", async () => {
    const s = await newSession(h);
    const res = await fetch(`${h.url}/mockpay/api/sessions/${s.sessionId}`);
    expect(res.status).toBe(200);
    const view = await json(res);
    expect(view).toMatchObject({
      sessionId: s.sessionId,
      orderId: s.orderId,
      status: "open",
      amountCents: 4_200,
      currency: "USD",
      completedAt: null,
      refund: null,
    });
    const ttlMs = Date.parse(view.expiresAt) - Date.parse(view.createdAt);
    expect(ttlMs).toBe(24 * 3600 * 1000);
    expect((await fetch(`${h.url}/mockpay/api/sessions/ps_nope`)).status).toBe(404);
  });
});

describe("POST /mockpay/api/sessions/:id/complete", () => {
  it("completes: 200 redirectUrl, one event row, one delivery job keyed by the event id", async () => {
    const s = await newSession(h);
    const res = await completeViaApi(h, s.sessionId, "succeeded");
    expect(res.status).toBe(200);
    const { redirectUrl } = await json(res);
    expect(redirectUrl).toBe(`http://shop.test/orders/${s.orderId}?token=t0k&session=${s.sessionId}&outcome=succeeded`);
    const events = await eventRows(h, s.sessionId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "payment.succeeded", delivered_at: null, attempts: 0 });
    expect(events[0]?.payload).toMatchObject({
      id: events[0]?.id,
      data: { sessionId: s.sessionId, orderId: s.orderId, amountCents: 4_200, currency: "USD" },
    });
    expect(await jobIds()).toContain(events[0]?.id);
    const view = await json(await fetch(`${h.url}/mockpay/api/sessions/${s.sessionId}`));
    expect(view.status).toBe("succeeded");
    expect(view.completedAt).not.toBeNull();
  });

  it("is idempotent: the same outcome again answers the same and creates nothing", async () => {
    const s = await newSession(h);
    const first = await json(await completeViaApi(h, s.sessionId, "failed"));
    const jobsBefore = await jobIds();
    const again = await completeViaApi(h, s.sessionId, "failed");
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(first);
    expect(await eventRows(h, s.sessionId)).toHaveLength(1);
    expect(await jobIds()).toEqual(jobsBefore);
  });

  it("answers 409 conflict to another outcome on a completed session, changing nothing", async () => {
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "canceled");
    const res = await completeViaApi(h, s.sessionId, "succeeded");
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe("conflict");
    const events = await eventRows(h, s.sessionId);
    expect(events.map((e) => e.type)).toEqual(["payment.canceled"]);
  });

  it("races: many concurrent clicks give one winner and one event row", async () => {
    const s = await newSession(h);
    const outcomes = ["succeeded", "failed", "canceled", "succeeded", "succeeded", "failed", "canceled", "succeeded"];
    const answers = await Promise.all(outcomes.map((o) => completeViaApi(h, s.sessionId, o)));
    const events = await eventRows(h, s.sessionId);
    expect(events).toHaveLength(1);
    const winner = events[0]?.type.replace("payment.", "");
    answers.forEach((res, i) => expect(res.status).toBe(outcomes[i] === winner ? 200 : 409));
  });

  it("completes many sessions at once (one transaction) with each its own answer, event row and delivery job", async () => {
    const open = await Promise.all(Array.from({ length: 12 }, () => newSession(h)));
    const [expired, done] = [await newSession(h), await newSession(h)];
    await expire(expired.sessionId);
    await h.mockpay.service.complete(done.sessionId, "succeeded");
    const others = [
      { s: expired, o: "succeeded" },
      { s: done, o: "succeeded" },
      { s: done, o: "failed" },
    ];
    const calls = [...open.map((s, i) => ({ s, o: i % 3 === 0 ? "failed" : "succeeded" })), ...others];
    const answers = await Promise.all(
      calls.map(({ s, o }) => h.mockpay.service.complete(s.sessionId, o as "succeeded" | "failed")),
    );
    expect(answers.map((a) => a.kind)).toEqual([
      ...open.map(() => "completed"),
      "expired",
      "already_completed",
      "conflict",
    ]);
    for (const [i, s] of open.entries()) {
      const events = await eventRows(h, s.sessionId);
      expect(events.map((e) => e.type)).toEqual([i % 3 === 0 ? "payment.failed" : "payment.succeeded"]);
      expect(await jobIds()).toContain(events[0]!.id);
      expect(answers[i]).toMatchObject({ redirectUrl: expect.stringContaining(`session=${s.sessionId}`) });
    }
    expect(await eventRows(h, expired.sessionId)).toEqual([]);
  });

  it("answers 404 to an unknown session, 422 to a bad body, 400 to broken JSON", async () => {
    const unknown = await completeViaApi(h, "ps_00000000000000000000000000000000", "succeeded");
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("not_found");
    const s = await newSession(h);
    for (const body of [{}, { outcome: "paid" }, { outcome: 1 }]) {
      const res = await fetch(`${h.url}/mockpay/api/sessions/${s.sessionId}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(422);
      expect((await json(res)).error.code).toBe("invalid_request");
    }
    const broken = await fetch(`${h.url}/mockpay/api/sessions/${s.sessionId}/complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(broken.status).toBe(400);
    expect(await eventRows(h, s.sessionId)).toHaveLength(0);
  });

  it("refuses an expired session with 409 but still answers a completed one after its expiry", async () => {
    const open = await newSession(h);
    await expire(open.sessionId);
    const res = await completeViaApi(h, open.sessionId, "succeeded");
    expect(res.status).toBe(409);
    expect((await json(res)).error.details).toEqual({ status: "expired" });
    expect((await json(await fetch(`${h.url}/mockpay/api/sessions/${open.sessionId}`))).status).toBe("expired");
    expect(await eventRows(h, open.sessionId)).toHaveLength(0);

    const done = await newSession(h);
    await completeViaApi(h, done.sessionId, "succeeded");
    await expire(done.sessionId);
    expect((await completeViaApi(h, done.sessionId, "succeeded")).status).toBe(200);
  });

  it("completes in the session's last second (MockPay knows nothing of the shop's hold)", async () => {
    const s = await newSession(h);
    await h.pool.query("UPDATE mockpay_sessions SET expires_at = now() + interval '1 second' WHERE id = $1", [
      s.sessionId,
    ]);
    expect((await completeViaApi(h, s.sessionId, "succeeded")).status).toBe(200);
  });
});

describe("refund", () => {
  it("refunds a succeeded session once: a repeat returns the first refund, one refund.succeeded event", async () => {
    const s = await newSession(h);
    expect(await h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "early" })).toEqual({
      kind: "not_refundable",
      reason: "not_succeeded",
    });
    await completeViaApi(h, s.sessionId, "succeeded");
    const [first, second] = await Promise.all([
      h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "no stock left" }),
      h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "no stock left" }),
    ]);
    expect(first).toMatchObject({ kind: "refunded", refundId: expect.stringMatching(/^re_/) });
    expect(second).toEqual(first);
    const events = await eventRows(h, s.sessionId);
    expect(events.map((e) => e.type).sort()).toEqual(["payment.succeeded", "refund.succeeded"]);
    const view = await json(await fetch(`${h.url}/mockpay/api/sessions/${s.sessionId}`));
    expect(view.refund.refundId).toBe(first.kind === "refunded" ? first.refundId : "");
  });

  it("does not refund an unknown, declined or canceled session", async () => {
    expect(await h.mockpay.provider.refund({ sessionId: "ps_unknown", reason: "x" })).toEqual({
      kind: "not_refundable",
      reason: "unknown_session",
    });
    const s = await newSession(h);
    await completeViaApi(h, s.sessionId, "failed");
    expect(await h.mockpay.provider.refund({ sessionId: s.sessionId, reason: "x" })).toEqual({
      kind: "not_refundable",
      reason: "not_succeeded",
    });
  });
});

describe("hosted page", () => {
  it("renders MockPay's own page: amount, description, three form buttons, no script, under a CSP", async () => {
    const s = await newSession(h, 123_456);
    const res = await fetch(s.paymentUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("MockPay");
    expect(html).toContain("TEST MODE");
    expect(html).toContain("$1,234.56");
    expect(html).toContain("2 × General admission — Stampede Live");
    expect(html).toContain(`<form method="post" action="/mockpay/checkout/${s.sessionId}/complete">`);
    for (const v of ["succeeded", "failed", "canceled"]) expect(html).toContain(`name="outcome" value="${v}"`);
    expect(html).not.toMatch(/<script|on(click|submit|load)=/i); // no deadline from the shop: nothing to count down
    expect(html).not.toMatch(/valid until|\d{4}-\d\d-\d\dT/); // no raw ISO times for a fan to decode
  });

  it("counts down to the shop's deadline: 'm:ss left to pay', kept live by a script file under the CSP", async () => {
    const s = await newSession(h, 4_200, new Date(Date.now() + 161_000).toISOString());
    const res = await fetch(s.paymentUrl);
    const html = await res.text();
    expect(html).toMatch(/<span data-left>2:(4[01]|39) left to pay<\/span>/);
    expect(html).toMatch(/held until <time datetime="[^"]+">\d\d:\d\d UTC<\/time>/);
    expect(html).toContain('<script src="/mockpay/assets/checkout.js" defer></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|on(click|submit|load)=/i); // no inline code: the CSP would block it
    expect(html).toMatch(/value="succeeded">/); // Pay is on
    const script = await fetch(`${h.url}/mockpay/assets/checkout.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toContain("left to pay");
  });

  it("says the payment has expired once the shop's deadline has passed, and disables Pay", async () => {
    const s = await newSession(h, 4_200, new Date(Date.now() - 1_000).toISOString());
    const html = await (await fetch(s.paymentUrl)).text();
    expect(html).toContain("This payment has expired");
    expect(html).not.toContain("left to pay");
    expect(html).toMatch(/value="succeeded" disabled>/);
    expect(html).toMatch(/value="canceled">/); // the way back to the shop stays
  });

  it("escapes what the shop sends", async () => {
    const session = await h.mockpay.provider.createSession({
      orderId: "order-xss",
      amountCents: 100,
      currency: "JPY",
      description: `<img src=x onerror="alert(1)">`,
      returnUrl: "http://shop.test/r",
    });
    const html = await (await fetch(session.paymentUrl)).text();
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("¥100");
  });

  it("form posts complete the session and redirect 303 to the shop; a double click lands the same", async () => {
    const s = await newSession(h);
    const post = (outcome: string) =>
      fetch(`${h.url}/mockpay/checkout/${s.sessionId}/complete`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `outcome=${outcome}`,
      });
    const res = await post("succeeded");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `http://shop.test/orders/${s.orderId}?token=t0k&session=${s.sessionId}&outcome=succeeded`,
    );
    expect((await post("succeeded")).status).toBe(303);
    expect(await eventRows(h, s.sessionId)).toHaveLength(1);
    const conflict = await post("canceled");
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain(
      `href="http://shop.test/orders/${s.orderId}?token=t0k&amp;session=${s.sessionId}&amp;outcome=succeeded"`,
    );
    expect((await post("bogus")).status).toBe(422);
  });

  it("shows a clear message for unknown, expired and completed sessions", async () => {
    const unknown = await fetch(`${h.url}/mockpay/checkout/ps_nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("does not exist");

    const expired = await newSession(h);
    await expire(expired.sessionId);
    const expiredPage = await fetch(expired.paymentUrl);
    expect(expiredPage.status).toBe(410);
    expect(await expiredPage.text()).toContain("expired");

    const done = await newSession(h);
    await completeViaApi(h, done.sessionId, "failed");
    const donePage = await fetch(done.paymentUrl);
    expect(donePage.status).toBe(200);
    const html = await donePage.text();
    expect(html).toContain("already failed");
    expect(html).toContain("Back to the shop");
    expect(html).not.toContain("<form");
  });

  it("refuses an oversized form body before any work", async () => {
    const s = await newSession(h);
    const res = await fetch(`${h.url}/mockpay/checkout/${s.sessionId}/complete`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `outcome=succeeded&pad=${"x".repeat(4_000)}`,
    });
    expect(res.status).toBe(413);
    expect(await eventRows(h, s.sessionId)).toHaveLength(0);
  });
});
