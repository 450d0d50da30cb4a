// Goal: the events API — admins create events whose stock lives in the ledger, move them through
// the status workflow and tune admission; the public sees published events with live counts; the
// audit proves available + held + sold = capacity and catches a tier that does not add up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planHold } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import { startTestApp, testAdmin, type TestApp } from "./support/app.js";
import { json } from "./support/services.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const asAdmin = { "content-type": "application/json", authorization: basic(testAdmin.username, testAdmin.password) };

const sample = (overrides: Record<string, unknown> = {}) => ({
  name: "Night Owls Live",
  venue: "Hall 1",
  startsAt: "2027-03-01T19:30:00Z",
  classes: [
    { code: "VIP", name: "VIP", priceCents: 10_000, capacity: 10, perOrderMax: 2 },
    { code: "GA", name: "General", priceCents: 1_000, capacity: 100 },
  ],
  perks: [{ code: "POSTER", name: "Tour poster", capacity: 5 }],
  ...overrides,
});

async function create(body: unknown) {
  const res = await fetch(`${t.url}/api/admin/events`, {
    method: "POST",
    headers: asAdmin,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

async function setStatus(id: string, status: string) {
  const res = await fetch(`${t.url}/api/admin/events/${id}/status`, {
    method: "POST",
    headers: asAdmin,
    body: JSON.stringify({ status }),
  });
  return { status: res.status, body: await json(res) };
}

async function eventCount(): Promise<number> {
  const { rows } = await t.pool.query<{ n: string }>("SELECT count(*) AS n FROM events");
  return Number(rows[0]?.n);
}

describe("events", () => {
  it("creates an event with the contract's defaults and its stock funded in the ledger", async () => {
    const { status, body } = await create(sample());
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: "Night Owls Live",
      slug: "night-owls-live",
      venue: "Hall 1",
      status: "draft",
      startsAt: "2027-03-01T19:30:00.000Z",
      paymentProvider: "mockpay",
    });
    expect(body.waitingRoom).toEqual({
      mode: "fifo",
      opensAt: null,
      admitPerMinute: 600,
      maxActiveCheckouts: 200,
      admissionTtlSeconds: 600,
      holdSeconds: 300,
      perFanMax: 6,
      endAdmissionOnPaid: true,
      // Naming no rate: the room steers its own (auto), from 600/min, between the default floor and ceiling.
      admission: "auto",
      admitPerMinuteFloor: 60,
      admitPerMinuteCeiling: 60_000,
    });
    expect(
      body.classes.map(
        (c: { code: string; available: number; held: number; sold: number; currency: string; perOrderMax: number }) => [
          c.code,
          c.available,
          c.held,
          c.sold,
          c.currency,
          c.perOrderMax,
        ],
      ),
    ).toEqual([
      ["VIP", 10, 0, 0, "USD", 2],
      ["GA", 100, 0, 0, "USD", 4],
    ]);
    expect(body.perks).toEqual([expect.objectContaining({ code: "POSTER", capacity: 5, granted: 0 })]);
  });

  it("rejects invalid input with 422 naming the field, and creates nothing", async () => {
    const before = await eventCount();
    const bad = await create(sample({ classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 0 }] }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("invalid_request");
    expect(bad.body.error.message).toMatch(/^body\.classes\.0\.capacity:/);
    const dupes = await create(
      sample({
        classes: [
          { code: "GA", name: "A", priceCents: 1, capacity: 1 },
          { code: "GA", name: "B", priceCents: 1, capacity: 1 },
        ],
      }),
    );
    expect(dupes.status).toBe(422);
    expect(dupes.body.error.message).toBe("body.classes.1.code: another tier already has the code GA");
    const currencies = await create(
      sample({
        classes: [
          { code: "A", name: "A", priceCents: 1, capacity: 1, currency: "EUR" },
          { code: "B", name: "B", priceCents: 1, capacity: 1 },
        ],
      }),
    );
    expect(currencies.body.error.message).toMatch(
      /^body\.classes\.1\.currency: every tier of an event uses the same currency/,
    );
    const rate = await create(sample({ waitingRoom: { admitPerMinute: 999_999_999 } }));
    expect(rate.body.error.message).toBe("body.waitingRoom.admitPerMinute: a whole number from 1 to 1,000,000");
    const hold = await create(sample({ waitingRoom: { holdSeconds: 4 } }));
    expect(hold.body.error.message).toMatch(/^body\.waitingRoom\.holdSeconds:/);
    const provider = await create(sample({ paymentProvider: "paypal" }));
    expect(provider.body.error.message).toMatch(/^body\.paymentProvider:/);
    // Stripe is a provider Stampede knows, but this server has no STRIPE_SECRET_KEY.
    const stripe = await create(sample({ paymentProvider: "stripe" }));
    expect(stripe.status).toBe(422);
    expect(stripe.body.error.message).toBe(
      "body.paymentProvider: payment provider stripe is not configured on this server",
    );
    expect(stripe.body.error.details.issues).toEqual([
      { field: "body.paymentProvider", message: "payment provider stripe is not configured on this server" },
    ]);
    expect(await eventCount()).toBe(before);
  });

  it("gives each event a unique slug", async () => {
    const a = await create(sample({ name: "Same Name" }));
    const b = await create(sample({ name: "Same Name" }));
    expect([a.body.slug, b.body.slug]).toEqual(["same-name", "same-name-2"]);
  });

  it("shows the public only published events", async () => {
    const draft = (await create(sample({ name: "Hidden Draft" }))).body;
    const live = (await create(sample({ name: "On Sale Now", status: "on_sale" }))).body;
    const list = await json(await fetch(`${t.url}/api/events`));
    const ids = list.events.map((e: { id: string }) => e.id);
    expect(ids).toContain(live.id);
    expect(ids).not.toContain(draft.id);
    expect((await fetch(`${t.url}/api/events/${draft.id}`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/events/not-a-uuid`)).status).toBe(404);
    const one = await json(await fetch(`${t.url}/api/events/${live.id}`));
    expect(one.classes[1]).toMatchObject({ code: "GA", capacity: 100, available: 100 });
    expect((await fetch(`${t.url}/api/admin/events/${draft.id}`, { headers: asAdmin })).status).toBe(200);
  });

  it("follows the status workflow and refuses illegal moves with 409", async () => {
    const e = (await create(sample({ name: "Workflow" }))).body;
    expect((await setStatus(e.id, "scheduled")).body.status).toBe("scheduled");
    expect((await setStatus(e.id, "on_sale")).body.status).toBe("on_sale");
    const back = await setStatus(e.id, "draft");
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe("invalid_transition");
    expect((await setStatus(e.id, "sold_out")).status).toBe(409);
    expect((await setStatus(e.id, "closed")).body.status).toBe("closed");
    expect((await setStatus(e.id, "on_sale")).status).toBe(409);
    expect((await setStatus(uuidv7(), "on_sale")).status).toBe(404);
  });

  it("tunes admission and pauses/resumes through the waiting-room settings", async () => {
    const e = (await create(sample({ name: "Tuning", status: "on_sale" }))).body;
    const patch = (body: unknown) =>
      fetch(`${t.url}/api/admin/events/${e.id}/waiting-room`, {
        method: "PATCH",
        headers: asAdmin,
        body: JSON.stringify(body),
      });
    const tuned = await json(await patch({ admitPerMinute: 1200, maxActiveCheckouts: 50 }));
    expect(tuned.waitingRoom).toMatchObject({ admitPerMinute: 1200, maxActiveCheckouts: 50 });
    expect((await json(await patch({ paused: true }))).status).toBe("paused");
    expect((await json(await patch({ paused: false }))).status).toBe("on_sale");
    expect((await patch({})).status).toBe(422);
    expect((await patch({ admitPerMinute: 0 })).status).toBe(422);
    // auto ↔ manual: naming a rate alone makes it fixed; auto takes a floor and a ceiling, floor ≤ ceiling.
    expect(tuned.waitingRoom.admission).toBe("manual");
    const auto = await json(await patch({ admission: "auto", admitPerMinuteFloor: 120, admitPerMinuteCeiling: 3_000 }));
    expect(auto.waitingRoom).toMatchObject({
      admission: "auto",
      admitPerMinute: 1200,
      admitPerMinuteFloor: 120,
      admitPerMinuteCeiling: 3_000,
    });
    const inverted = await patch({ admitPerMinuteFloor: 5_000 });
    expect([inverted.status, (await json(inverted)).error]).toEqual([
      422,
      expect.objectContaining({ code: "invalid_request" }),
    ]);
    expect((await patch({ admission: "sometimes" })).status).toBe(422);
    expect(
      (await json(await fetch(`${t.url}/api/admin/events/${e.id}`, { headers: asAdmin }))).waitingRoom,
    ).toMatchObject({
      admission: "auto",
      admitPerMinuteFloor: 120,
      admitPerMinuteCeiling: 3_000,
    });
    expect((await json(await patch({ admitPerMinute: 900 }))).waitingRoom).toMatchObject({
      admission: "manual",
      admitPerMinute: 900,
    });
    const draft = (await create(sample({ name: "Draft Pause" }))).body;
    const res = await fetch(`${t.url}/api/admin/events/${draft.id}/waiting-room`, {
      method: "PATCH",
      headers: asAdmin,
      body: JSON.stringify({ paused: true }),
    });
    expect(res.status).toBe(409);
  });

  it("lets viewers read but not write", async () => {
    await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: asAdmin,
      body: JSON.stringify({ username: "viewer1", password: "viewer-password", role: "viewer" }),
    });
    const asViewer = { "content-type": "application/json", authorization: basic("viewer1", "viewer-password") };
    expect((await fetch(`${t.url}/api/admin/events`, { headers: asViewer })).status).toBe(200);
    expect(
      (await fetch(`${t.url}/api/admin/events`, { method: "POST", headers: asViewer, body: JSON.stringify(sample()) }))
        .status,
    ).toBe(403);
    expect((await fetch(`${t.url}/api/admin/events`)).status).toBe(401);
  });

  it("reports live counts and a passing audit after a hold, and a failing audit when a tier does not add up", async () => {
    const e = (await create(sample({ name: "Audited", status: "on_sale" }))).body;
    const vip = e.classes[0];
    const record = await t.events.get(e.id);
    const holdId = uuidv7();
    const fanId = uuidv7();
    const plan = planHold({
      ledger: record!.ledger,
      holdId,
      fanId,
      perFanMax: 6,
      holdSeconds: 60,
      items: [{ tierId: vip.id, quantity: 2 }],
    });
    await t.ledger.createAccounts(plan.accounts);
    await t.ledger.createTransfers(plan.transfers);
    // The audit also holds the ledger to the orders: a ledger hold needs its held order.
    const orphan = await json(await fetch(`${t.url}/api/admin/events/${e.id}/audit`, { headers: asAdmin }));
    expect(orphan.ok).toBe(false);
    expect(orphan.classes[0].problems).toContain("ledger held 2 is 2 more than held orders' tickets (0)");
    await t.pool.query(
      `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency, order_token_hash, expires_at)
       VALUES ($1, $2, $3, 'fan@example.test', 'held', $4, $1, $5, 0, 'USD', 'h', now() + interval '60 seconds')`,
      [
        holdId,
        e.id,
        fanId,
        `jti-${holdId}`,
        JSON.stringify([{ classId: vip.id, code: vip.code, quantity: 2, unitPriceCents: 0 }]),
      ],
    );
    const view = await json(await fetch(`${t.url}/api/events/${e.id}`));
    expect(view.classes[0]).toMatchObject({ capacity: 10, available: 8, held: 2, sold: 0 });
    const audit = await json(await fetch(`${t.url}/api/admin/events/${e.id}/audit`, { headers: asAdmin }));
    expect(audit.ok).toBe(true);
    expect(audit.classes[0]).toMatchObject({ code: "VIP", capacity: 10, available: 8, held: 2, sold: 0, ok: true });

    // Negative control: a capacity that disagrees with the ledger must fail the audit.
    await t.pool.query("UPDATE ticket_classes SET capacity = capacity + 1 WHERE id = $1", [vip.id]);
    const broken = await json(await fetch(`${t.url}/api/admin/events/${e.id}/audit`, { headers: asAdmin }));
    expect(broken.ok).toBe(false);
    expect(broken.classes[0].problems).toContain("budget funded with 10, capacity is 11");
  });
});
