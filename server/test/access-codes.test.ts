// Goal: presale and promo codes against a real server, workers, MockPay, PostgreSQL and Redis.
// A presale lets only fans with a presale code hold; every code that cannot be used (unknown, for
// another event, outside its window, a promo code during the presale, a presale code after it, a
// promo for a tier not in the order, used up) is refused with its reason and changes nothing. A
// code's uses are the ledger's: a cancelled hold gives its use back, a paid one keeps it until it is
// refunded, and an n-use code raced by 3n fans sells exactly n orders (control: the same race with
// 3n uses sells all 3n). A promo code's discount is what the fan pays. The admin's CSV lists every
// code.
import { afterEach, describe, expect, it } from "vitest";
import { admittedFan, auditOk, completePayment, orderReaches, stockOf, type AdmittedFan } from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";

const served = useStack();
const admin = basicAuth(stackAdmin.username, stackAdmin.password);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any answer's fields
type Json = any;

afterEach(() => expectAnswersMatchSchemas(served));

async function asAdmin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${served.url}${path}`, {
    method,
    headers: { authorization: admin, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

async function sale(name: string) {
  const event = await createEvent(served.url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [
      { code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 4 },
      { code: "VIP", name: "VIP", priceCents: 5_000, capacity: 20, perOrderMax: 4 },
    ],
    waitingRoom: { admitPerMinute: 60_000, perFanMax: 6, holdSeconds: 600 },
  });
  return { eventId: event.id, ga: event.classes[0]!.id, vip: event.classes[1]!.id };
}

/** Makes a batch and returns its codes (from the admin's list of that batch). */
async function codes(eventId: string, batch: Record<string, unknown>): Promise<string[]> {
  const made = await asAdmin("POST", `/api/admin/events/${eventId}/codes`, batch);
  expect(made.status).toBe(201);
  const list = await asAdmin("GET", `/api/admin/events/${eventId}/codes?batch=${made.body.batchId}&limit=1000`);
  return list.body.codes.map((c: { code: string }) => c.code);
}

async function codeUses(eventId: string, code: string): Promise<{ used: number; held: number }> {
  const list = await asAdmin("GET", `/api/admin/events/${eventId}/codes?limit=1000`);
  const row = list.body.codes.find((c: { code: string }) => c.code === code);
  return { used: row.used, held: row.held };
}

async function holdWith(fan: AdmittedFan, eventId: string, items: unknown[], code?: string) {
  const res = await fetch(`${served.url}/api/events/${eventId}/holds`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}` },
    body: JSON.stringify({ admissionToken: fan.admissionToken, items, email: "fan@example.test", code }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const refusal = (answer: { status: number; body: Json }) => [
  answer.status,
  answer.body.error?.code,
  answer.body.error?.details?.reason,
];

describe("presale and promo codes", () => {
  it("a presale lets only code holders buy; each unusable code is refused with its reason and changes nothing", async () => {
    const { eventId, ga } = await sale("Presale night");
    const other = await sale("Another night");
    expect((await asAdmin("PUT", `/api/admin/events/${eventId}/presale`, { endsAt: "tomorrow" })).status).toBe(422);
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    expect((await asAdmin("PUT", `/api/admin/events/${eventId}/presale`, { endsAt })).body).toEqual({
      endsAt,
      open: true,
    });
    expect(await (await fetch(`${served.url}/api/events/${eventId}/presale`)).json()).toEqual({ endsAt, open: true });

    const [presale] = await codes(eventId, { kind: "presale", prefix: "fan", count: 3 });
    const [promo] = await codes(eventId, { kind: "promo", percentOff: 10 });
    const [elsewhere] = await codes(other.eventId, { kind: "presale" });
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const [notYet] = await codes(eventId, { kind: "presale", validFrom: later });
    expect(presale).toMatch(/^FAN[2-9A-HJKMNP-Z]{10}$/);
    for (const bad of [{ kind: "promo" }, { kind: "presale", percentOff: 5 }, { kind: "presale", count: 10_001 }])
      expect((await asAdmin("POST", `/api/admin/events/${eventId}/codes`, bad)).status).toBe(422);

    const fan = await admittedFan(served.url, eventId);
    const one = [{ classId: ga, quantity: 1 }];
    const before = await stockOf(served.url, eventId);
    expect(refusal(await holdWith(fan, eventId, one))).toEqual([403, "code_required", undefined]);
    expect(refusal(await holdWith(fan, eventId, one, "NOPE2345"))).toEqual([409, "code_invalid", "unknown"]);
    expect(refusal(await holdWith(fan, eventId, one, promo))).toEqual([409, "code_invalid", "presale_only"]);
    expect(refusal(await holdWith(fan, eventId, one, elsewhere))).toEqual([409, "code_invalid", "other_event"]);
    expect(refusal(await holdWith(fan, eventId, one, notYet))).toEqual([409, "code_invalid", "outside_window"]);
    expect(await stockOf(served.url, eventId)).toEqual(before);
    expect(await codeUses(eventId, presale!)).toEqual({ used: 0, held: 0 });

    // Typed as a fan would: lower case, in groups.
    const typed = `${presale!.slice(0, 5)}-${presale!.slice(5)}`.toLowerCase();
    const held = await holdWith(fan, eventId, one, typed);
    expect(held.status).toBe(201);
    expect(await codeUses(eventId, presale!)).toEqual({ used: 0, held: 1 });
    const second = await admittedFan(served.url, eventId);
    expect(refusal(await holdWith(second, eventId, one, presale))).toEqual([409, "code_used_up", undefined]);

    // A cancelled hold gives its use back; a paid order keeps it.
    const cancelled = await fetch(`${served.url}/api/orders/${held.body.orderId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${held.body.orderToken}` },
    });
    expect(cancelled.status).toBe(200);
    expect(await codeUses(eventId, presale!)).toEqual({ used: 0, held: 0 });
    const again = await holdWith(second, eventId, one, presale);
    expect(again.status).toBe(201);
    await completePayment(served.url, again.body.paymentUrl, "succeeded");
    await orderReaches(served.url, again.body.orderId, again.body.orderToken, "paid");
    expect(await codeUses(eventId, presale!)).toEqual({ used: 1, held: 0 });
    // Refunded, the order gives its code's use back with its tickets.
    const refunded = await asAdmin("POST", `/api/admin/orders/${again.body.orderId}/refund`);
    expect(refunded.status).toBe(200);
    await orderReaches(served.url, again.body.orderId, again.body.orderToken, "refunded");
    await waitFor("the code's use given back", async () => (await codeUses(eventId, presale!)).used === 0);

    // The presale over: anyone buys, and a presale code is told it is over.
    expect((await asAdmin("PUT", `/api/admin/events/${eventId}/presale`, { endsAt: null })).body.open).toBe(false);
    const third = await admittedFan(served.url, eventId);
    const [spare] = (await asAdmin("GET", `/api/admin/events/${eventId}/codes?limit=1000`)).body.codes
      .filter((c: Json) => c.kind === "presale" && c.used === 0 && c.code !== notYet)
      .map((c: Json) => c.code);
    expect(refusal(await holdWith(third, eventId, one, spare))).toEqual([409, "code_invalid", "presale_over"]);
    expect((await holdWith(third, eventId, one)).status).toBe(201);

    const csv = await asAdmin("GET", `/api/admin/events/${eventId}/codes.csv`);
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("code,kind,uses,used,held,percent_off,tier,valid_from,valid_until,batch");
    expect(lines).toHaveLength(1 + 3 + 1 + 1);
    expect(
      lines
        .find((l) => l.startsWith(`${presale},`))
        ?.split(",")
        .slice(1, 5),
    ).toEqual(["presale", "1", "0", "0"]);
    expect(await auditOk(served.url, eventId, admin)).toBe(true);
    for (const f of [fan, second, third]) f.close();
  });

  it("a promo code takes its percentage off its tier, and only when that tier is in the order", async () => {
    const { eventId, ga, vip } = await sale("Promo night");
    const [vipOff] = await codes(eventId, { kind: "promo", percentOff: 25, tierId: vip, uses: 5 });
    const fan = await admittedFan(served.url, eventId);
    const gaOnly = [{ classId: ga, quantity: 1 }];
    expect(refusal(await holdWith(fan, eventId, gaOnly, vipOff))).toEqual([409, "code_invalid", "wrong_tier"]);
    const held = await holdWith(fan, eventId, [...gaOnly, { classId: vip, quantity: 2 }], vipOff);
    expect(held.status).toBe(201);
    expect(held.body.totalCents).toBe(1_000 + 2 * 3_750);
    expect(held.body.items.map((i: Json) => i.unitPriceCents)).toEqual([1_000, 3_750]);
    await completePayment(served.url, held.body.paymentUrl, "succeeded");
    const paid = await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
    expect([paid.totalCents, paid.code]).toEqual([8_500, vipOff]);
    expect(await codeUses(eventId, vipOff!)).toEqual({ used: 1, held: 0 });
    fan.close();
  });

  it("an n-use code raced by 3n fans sells exactly n orders; with 3n uses, all 3n", async () => {
    const n = 3;
    for (const [uses, sold] of [
      [n, n],
      [3 * n, 3 * n],
    ] as const) {
      const { eventId, ga } = await sale(`Race for ${uses} uses`);
      const [code] = await codes(eventId, { kind: "promo", percentOff: 50, uses });
      const fans = await Promise.all(Array.from({ length: 3 * n }, () => admittedFan(served.url, eventId)));
      const answers = await Promise.all(fans.map((f) => holdWith(f, eventId, [{ classId: ga, quantity: 1 }], code)));
      const statuses = answers.map((a) => (a.status === 201 ? 201 : a.body.error.code));
      expect(statuses.filter((s) => s === 201)).toHaveLength(sold);
      expect(statuses.filter((s) => s !== 201).every((s) => s === "code_used_up")).toBe(true);
      expect(await codeUses(eventId, code!)).toEqual({ used: 0, held: sold });
      expect((await stockOf(served.url, eventId))[0]!.held).toBe(sold);
      for (const f of fans) f.close();
    }
  });
});
