// Goal: face-value resale against a real server, workers, MockPay, PostgreSQL and Redis. A signed-in
// fan lists one of two paid tickets (bad listings refused with their codes, nothing created); six
// signed-in fans try to buy it at the same moment and exactly one gets the lock; while they pay,
// the seller can neither re-price nor withdraw, and the seller cannot buy their own listing. The
// payment settles: the buyer has an order of their own with a new ticket, the seller's ticket is
// void and marked resold, the old code is refused at the door and the new one admitted, the audit
// still adds up (a resold ticket is still one seat). A buyer who cancels at the payment page gives
// the listing back at once; the seller re-prices and withdraws it then.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { auditOk, completePayment, getOrder, hold, orderReaches } from "./support/checkout.js";
import { basicAuth, waitFor, type TestFan } from "./support/fans.js";
import { testPool } from "./support/services.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";
import { admitted, call, device, type Device } from "./support/devices.js";
import { resaleHelpers } from "./support/resale.js";

const served = useStack();
let db: pg.Pool;
beforeAll(() => {
  db = testPool(served.stack.db.url, 2);
});
afterAll(async () => {
  await db?.end();
});
afterEach(async () => {
  await expectAnswersMatchSchemas(served);
});
const sockets: TestFan[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

const admin = basicAuth(stackAdmin.username, stackAdmin.password);
const as = (d: Device, method: string, path: string, body?: unknown) => call(served.url, d, method, path, body);

const { signedUp, resaleEvent, sellerWithTickets } = resaleHelpers(() => served.url, sockets);

const listingCount = async () => Number((await db.query("SELECT count(*) AS n FROM resale_listings")).rows[0].n);

async function checkIn(code: string, eventId: string) {
  const res = await fetch(`${served.url}/api/admin/checkin`, {
    method: "POST",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify({ code, eventId }),
  });
  return { status: res.status, body: await res.json() };
}

describe("resale", () => {
  it("one buyer of six wins the lock; the sale voids the old code and issues a new one; the audit holds", async () => {
    const sale = await resaleEvent("Resale night");
    const seller = await sellerWithTickets(sale);
    const [sold, kept] = seller.order.tickets;
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => signedUp(`buyer${i}`)));

    // Bad listings: refused with their codes, nothing written.
    const before = await listingCount();
    const refusals = [
      [await as(seller.device, "POST", "/api/resale/listings", { ticketId: sold!.ticketId, priceCents: 5_001 }), 422],
      [await as(seller.device, "POST", "/api/resale/listings", { ticketId: sold!.ticketId, priceCents: 0 }), 422],
      [await as(seller.device, "POST", "/api/resale/listings", { ticketId: sold!.ticketId, priceCents: 10.5 }), 422],
      [
        await as(buyers[0]!.device, "POST", "/api/resale/listings", { ticketId: sold!.ticketId, priceCents: 4_000 }),
        403,
      ],
      [await as(device(), "POST", "/api/resale/listings", { ticketId: sold!.ticketId, priceCents: 4_000 }), 401],
    ] as const;
    expect(refusals.map(([r, want]) => [r.status, want])).toEqual(refusals.map(([, want]) => [want, want]));
    expect(refusals[0][0].body.error).toMatchObject({ code: "price_above_cap", details: { capCents: 5_000 } });
    expect(refusals[3][0].body.error.code).toBe("not_your_ticket");
    expect(await listingCount()).toBe(before);

    const listed = await as(seller.device, "POST", "/api/resale/listings", {
      ticketId: sold!.ticketId,
      priceCents: 4_500,
    });
    expect(listed.status).toBe(201);
    expect(listed.body).toMatchObject({ status: "listed", priceCents: 4_500, feeCents: 450, capCents: 5_000 });
    const again = await as(seller.device, "POST", "/api/resale/listings", {
      ticketId: sold!.ticketId,
      priceCents: 4_000,
    });
    expect([again.status, again.body.error.code]).toEqual([409, "already_listed"]);
    const own = await as(seller.device, "POST", `/api/resale/listings/${listed.body.listingId}/buy`, {});
    expect([own.status, own.body.error.code]).toEqual([409, "own_listing"]);

    // Six buyers at the same moment: exactly one lock.
    const attempts = await Promise.all(
      buyers.map((b) => as(b.device, "POST", `/api/resale/listings/${listed.body.listingId}/buy`, {})),
    );
    const won = attempts.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
      Array(5).fill("listing_locked"),
    );
    const purchase = won[0]!.body;
    expect(purchase).toMatchObject({ status: "locked", priceCents: 4_500, feeCents: 450, totalCents: 4_950 });
    const winner = buyers[attempts.indexOf(won[0]!)]!;

    // While the winner pays: the seller can change nothing.
    const path = `/api/resale/listings/${listed.body.listingId}`;
    const reprice = await as(seller.device, "PATCH", path, { priceCents: 4_000 });
    const withdraw = await as(seller.device, "DELETE", path);
    expect([reprice.status, reprice.body.error.code, withdraw.status, withdraw.body.error.code]).toEqual([
      409,
      "listing_locked",
      409,
      "listing_locked",
    ]);
    const shown = (await fetch(`${served.url}/api/events/${sale.eventId}/resale`).then((r) => r.json())) as {
      listings: Array<{ status: string }>;
    };
    expect(shown.listings.map((l: { status: string }) => l.status)).toEqual(["locked"]);

    await completePayment(served.url, purchase.paymentUrl, "succeeded");
    const paid = await waitFor("purchase paid", async () => {
      const p = await as(winner.device, "GET", `/api/resale/purchases/${purchase.purchaseId}`);
      return p.body.status === "paid" ? p.body : null;
    });
    const bought = await getOrder(served.url, paid.order.orderId, paid.order.orderToken);
    expect(bought).toMatchObject({ status: "paid", totalCents: 4_950 });
    expect(bought.tickets).toHaveLength(1);
    const resold = await getOrder(served.url, seller.order.orderId, seller.orderToken);
    const byId = new Map(resold.tickets.map((t) => [t.ticketId, t as typeof t & { voided: boolean; resold: boolean }]));
    expect([byId.get(sold!.ticketId)?.voided, byId.get(sold!.ticketId)?.resold]).toEqual([true, true]);
    expect([byId.get(kept!.ticketId)?.voided, byId.get(kept!.ticketId)?.resold]).toEqual([false, false]);

    // At the door: the old code refused, the new one admitted; the seller's other ticket still good.
    const oldScan = await checkIn(sold!.code, sale.eventId);
    expect(oldScan.status).toBeGreaterThanOrEqual(400);
    expect((await checkIn(bought.tickets[0]!.code, sale.eventId)).status).toBe(200);
    expect((await checkIn(kept!.code, sale.eventId)).status).toBe(200);
    // Used at the door, a ticket cannot be listed; nor can one already resold.
    for (const ticketId of [kept!.ticketId, sold!.ticketId]) {
      const late = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents: 4_000 });
      expect([late.status, late.body.error.code]).toEqual([409, "ticket_not_resellable"]);
    }

    // The buyer's My tickets shows it; the listing is sold; the ledger and the orders agree.
    const mine = await as(winner.device, "GET", "/api/account/orders");
    expect(mine.body.orders.map((o: { order: { orderId: string } }) => o.order.orderId)).toContain(paid.order.orderId);
    const mySales = await as(seller.device, "GET", "/api/account/listings");
    expect(mySales.body.listings.map((l: { status: string }) => l.status)).toEqual(["sold"]);
    const audit = (await fetch(`${served.url}/api/admin/events/${sale.eventId}/audit`, {
      headers: { authorization: admin },
    }).then((r) => r.json())) as { ok: boolean; classes: Array<{ sold: number; orders: Record<string, number> }> };
    // Two seats sold (one of them resold: the seller keeps one, the buyer has one), both in the ledger.
    expect([audit.ok, audit.classes[0]!.sold, audit.classes[0]!.orders]).toEqual([
      true,
      2,
      { paid: 2, held: 0, returning: 0, resold: 1 },
    ]);
    // Refunds: the seller's order (one of its tickets resold) is refunded in part — the kept ticket's
    // face value, not the resold one's (the buyer holds that seat, the seller was paid for it) — and
    // gives the kept seat back; the buyer's order then gives the resold seat back.
    const refund = (orderId: string) =>
      fetch(`${served.url}/api/admin/orders/${orderId}/refund`, { method: "POST", headers: { authorization: admin } });
    const auditNow = () =>
      fetch(`${served.url}/api/admin/events/${sale.eventId}/audit`, { headers: { authorization: admin } }).then(
        (r) => r.json() as Promise<typeof audit>,
      );
    const refunded = async (orderId: string) =>
      (
        await db.query<{ amount_cents: string }>(
          `SELECT r.amount_cents FROM orders o JOIN mockpay_refunds r ON r.session_id = o.payment_session_id
            WHERE o.id = $1`,
          [orderId],
        )
      ).rows.map((r) => Number(r.amount_cents));
    const sellerRefund = await refund(seller.order.orderId);
    expect([sellerRefund.status, ((await sellerRefund.json()) as { status: string }).status]).toEqual([
      200,
      "refunded",
    ]);
    expect(await refunded(seller.order.orderId)).toEqual([5_000]);
    const sellerAfter = await getOrder(served.url, seller.order.orderId, seller.orderToken);
    expect(sellerAfter.status).toBe("refunded");
    const afterSeller = await auditNow();
    expect([afterSeller.ok, afterSeller.classes[0]!.sold, afterSeller.classes[0]!.orders.paid]).toEqual([true, 1, 1]);
    expect((await refund(paid.order.orderId)).status).toBe(200);
    expect(await refunded(paid.order.orderId)).toEqual([4_950]);
    const after = await auditNow();
    expect([after.ok, after.classes[0]!.sold, after.classes[0]!.orders.paid]).toEqual([true, 0, 0]);
    // Refunded once: the partial refund's refund.succeeded comes back and changes nothing (no mismatch);
    // a repeated admin refund neither.
    const webhookOutcomes = await waitFor("the seller's refund webhook", async () => {
      const { rows } = await db.query<{ outcome: string }>(
        "SELECT outcome FROM payment_inbox WHERE order_id = $1 AND type = 'refund.succeeded'",
        [seller.order.orderId],
      );
      return rows.length > 0 ? rows.map((r) => r.outcome) : null;
    });
    expect(webhookOutcomes).toEqual(["ignored"]);
    expect((await refund(seller.order.orderId)).status).toBe(200);
    expect(await refunded(seller.order.orderId)).toEqual([5_000]);
    expect((await getOrder(served.url, seller.order.orderId, seller.orderToken)).status).toBe("refunded");
    const payout = await db.query("SELECT amount_cents FROM resale_payouts WHERE listing_id = $1", [
      listed.body.listingId,
    ]);
    expect(payout.rows.map((r) => Number(r.amount_cents))).toEqual([4_500]);
  });

  it("a buyer at their per-fan limit cannot buy a resold ticket (control: a fan under it can)", async () => {
    const sale = await resaleEvent("Resale limit night");
    const seller = await sellerWithTickets(sale);
    const full = await sellerWithTickets(sale, "full"); // two tickets
    const more = await admitted(served.url, full.session, sale.eventId, sockets);
    const two = await hold(served.url, more, sale.eventId, [{ classId: sale.classId, quantity: 2 }]);
    await completePayment(served.url, two.body.paymentUrl, "succeeded");
    await orderReaches(served.url, two.body.orderId, two.body.orderToken, "paid"); // four: the limit
    const listed = await as(seller.device, "POST", "/api/resale/listings", {
      ticketId: seller.order.tickets[0]!.ticketId,
      priceCents: 5_000,
    });
    const path = `/api/resale/listings/${listed.body.listingId}/buy`;
    const refused = await as(full.device, "POST", path, {});
    expect([refused.status, refused.body.error.code]).toEqual([429, "fan_limit_reached"]);
    const other = await signedUp("under-limit");
    expect((await as(other.device, "POST", path, {})).status).toBe(201);
  });

  it("an account hammering Buy on a locked listing is slowed down (429, Retry-After); another is not", async () => {
    const sale = await resaleEvent("Resale hammer night");
    const seller = await sellerWithTickets(sale);
    const [holder, hammer, other] = await Promise.all([signedUp("holder"), signedUp("hammer"), signedUp("other")]);
    const listed = await as(seller.device, "POST", "/api/resale/listings", {
      ticketId: seller.order.tickets[0]!.ticketId,
      priceCents: 5_000,
    });
    const path = `/api/resale/listings/${listed.body.listingId}/buy`;
    expect((await as(holder.device, "POST", path, {})).status).toBe(201);
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await as(hammer.device, "POST", path, {}));
    expect(answers.slice(0, 30).map((a) => a.body.error.code)).toEqual(Array(30).fill("listing_locked"));
    const last = answers[30]!;
    expect([last.status, last.body.error.code, Number(last.retryAfter) >= 1]).toEqual([429, "rate_limited", true]);
    const control = await as(other.device, "POST", path, {});
    expect([control.status, control.body.error.code]).toEqual([409, "listing_locked"]);
  });

  it("a buyer who cancels gives the listing back at once; then the seller re-prices and withdraws", async () => {
    const sale = await resaleEvent("Resale cancel night");
    const seller = await sellerWithTickets(sale);
    const buyer = await signedUp("canceller");
    const ticketId = seller.order.tickets[0]!.ticketId;
    const listed = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents: 5_000 });
    const listingId = listed.body.listingId as string;
    const bought = await as(buyer.device, "POST", `/api/resale/listings/${listingId}/buy`, {});
    expect(bought.status).toBe(201);
    await completePayment(served.url, bought.body.paymentUrl, "canceled");
    await waitFor("purchase failed", async () => {
      const p = await as(buyer.device, "GET", `/api/resale/purchases/${bought.body.purchaseId}`);
      return p.body.status === "failed";
    });
    const repriced = await as(seller.device, "PATCH", `/api/resale/listings/${listingId}`, { priceCents: 4_000 });
    expect([repriced.status, repriced.body.priceCents, repriced.body.status]).toEqual([200, 4_000, "listed"]);
    const withdrawn = await as(seller.device, "DELETE", `/api/resale/listings/${listingId}`);
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, "withdrawn"]);
    const late = await as(buyer.device, "POST", `/api/resale/listings/${listingId}/buy`, {});
    expect([late.status, late.body.error.code]).toEqual([409, "listing_unavailable"]);
    // Withdrawn, the ticket can be listed again (a new listing) and is still the seller's.
    const relisted = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents: 4_900 });
    expect([relisted.status, relisted.body.status]).toEqual([201, "listed"]);
    const order = await getOrder(served.url, seller.order.orderId, seller.orderToken);
    expect(order.tickets.every((t) => !(t as { voided?: boolean }).voided)).toBe(true);
    expect(await auditOk(served.url, sale.eventId, admin)).toBe(true);
  });
});

describe("resale locks that run out", () => {
  const publicStatus = async (eventId: string) =>
    (
      (await fetch(`${served.url}/api/events/${eventId}/resale`).then((r) => r.json())) as {
        listings: Array<{ status: string }>;
      }
    ).listings.map((l) => l.status);

  // The event's shortest lock (60 s) really passes: the ledger ends it, nobody else does.
  it("an unpaid lock ends by itself; a payment after it re-locks a free listing, or is refunded", async () => {
    const sale = await resaleEvent("Resale late night");
    const seller = await sellerWithTickets(sale);
    const [late, slow, quick] = await Promise.all([signedUp("late"), signedUp("slow"), signedUp("quick")]);
    const list = async (i: number) =>
      (
        await as(seller.device, "POST", "/api/resale/listings", {
          ticketId: seller.order.tickets[i]!.ticketId,
          priceCents: 5_000,
        })
      ).body.listingId as string;
    const buy = async (who: { device: Device }, listingId: string) => {
      const res = await as(who.device, "POST", `/api/resale/listings/${listingId}/buy`, {});
      expect(res.status).toBe(201);
      return res.body as { purchaseId: string; paymentUrl: string };
    };
    const purchase = (who: { device: Device }, id: string) =>
      as(who.device, "GET", `/api/resale/purchases/${id}`).then((r) => r.body);

    const [first, second] = [await list(0), await list(1)];
    const lateBuy = await buy(late, first);
    const slowBuy = await buy(slow, second);
    expect(await publicStatus(sale.eventId)).toEqual(["locked", "locked"]);
    // Nobody pays: both locks run out in the ledger, the listings are for sale again.
    await waitFor("locks run out", async () => (await publicStatus(sale.eventId)).join() === "listed,listed", 90_000);
    expect((await purchase(late, lateBuy.purchaseId)).status).toBe("expired");

    // The first late payment finds its listing still free: re-locked and paid.
    await completePayment(served.url, lateBuy.paymentUrl, "succeeded");
    await waitFor("late payment paid", async () => (await purchase(late, lateBuy.purchaseId)).status === "paid");

    // Another fan buys the second listing and pays; then the slow payment comes: refunded.
    const quickBuy = await buy(quick, second);
    await completePayment(served.url, quickBuy.paymentUrl, "succeeded");
    await waitFor("quick paid", async () => (await purchase(quick, quickBuy.purchaseId)).status === "paid");
    await completePayment(served.url, slowBuy.paymentUrl, "succeeded");
    const refunded = await waitFor("slow refunded", async () => {
      const p = await purchase(slow, slowBuy.purchaseId);
      return p.status === "refunded" ? p : null;
    });
    const slowOrder = await waitFor("refund done", async () => {
      const o = await getOrder(served.url, refunded.order.orderId, refunded.order.orderToken);
      const intent = await db.query("SELECT done_at FROM refund_intents WHERE order_id = $1", [o.orderId]);
      return o.status === "refunded" && intent.rows[0]?.done_at ? o : null;
    });
    expect(slowOrder.tickets).toEqual([]);
    expect(await auditOk(served.url, sale.eventId, admin)).toBe(true);
  }, 150_000);
});
