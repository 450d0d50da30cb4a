// Goal: a resale's seller is paid out through MockPay, against a real server, workers, MockPay,
// PostgreSQL and Redis. A fan lists a ticket, another buys and pays it; right after the sale the
// seller's resale_payouts row carries MockPay's payout id and paid_at, and MockPay holds exactly one
// payout: keyed by the listing, for the price, to the seller's account. A listing withdrawn instead
// has no payout row and no MockPay payout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { completePayment } from "./support/checkout.js";
import { waitFor, type TestFan } from "./support/fans.js";
import { testPool } from "./support/services.js";
import { useStack } from "./support/use-stack.js";
import { call, type Device } from "./support/devices.js";
import { resaleHelpers } from "./support/resale.js";

const served = useStack();
let db: pg.Pool;
beforeAll(() => {
  db = testPool(served.stack.db.url, 2);
});
afterAll(async () => {
  await db?.end();
});
const sockets: TestFan[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

const as = (d: Device, method: string, path: string, body?: unknown) => call(served.url, d, method, path, body);
const { signedUp, resaleEvent, sellerWithTickets } = resaleHelpers(() => served.url, sockets);

interface PayoutRow {
  seller_account_id: string;
  amount_cents: string;
  currency: string;
  payout_id: string | null;
  paid_at: Date | null;
  attempts: number;
  last_error: string | null;
}

const payoutRow = async (listingId: string) =>
  (await db.query<PayoutRow>("SELECT * FROM resale_payouts WHERE listing_id = $1", [listingId])).rows[0] ?? null;
const mockpayPayouts = async () =>
  (
    await db.query<{ id: string; payout_key: string; amount_cents: string; currency: string; recipient: string }>(
      "SELECT id, payout_key, amount_cents, currency, recipient FROM mockpay_payouts ORDER BY created_at",
    )
  ).rows;

describe("resale payouts", () => {
  it("pays the seller out through MockPay once the sale settles; a withdrawn listing pays nothing", async () => {
    const sale = await resaleEvent("Resale payout night");
    const seller = await sellerWithTickets(sale);
    const buyer = await signedUp("payout-buyer");
    const [sold, kept] = seller.order.tickets;
    const list = async (ticketId: string, priceCents: number) => {
      const res = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents });
      expect(res.status).toBe(201);
      return res.body.listingId as string;
    };

    // The negative control: listed, then withdrawn.
    const withdrawnId = await list(kept!.ticketId, 4_000);
    const withdrawn = await as(seller.device, "DELETE", `/api/resale/listings/${withdrawnId}`);
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, "withdrawn"]);

    const listingId = await list(sold!.ticketId, 4_500);
    const bought = await as(buyer.device, "POST", `/api/resale/listings/${listingId}/buy`, {});
    expect(bought.status).toBe(201);
    expect((await completePayment(served.url, bought.body.paymentUrl, "succeeded")).status).toBe(200);
    await waitFor("purchase paid", async () => {
      const p = await as(buyer.device, "GET", `/api/resale/purchases/${bought.body.purchaseId}`);
      return p.body.status === "paid";
    });

    const paid = await waitFor("payout paid", async () => {
      const row = await payoutRow(listingId);
      return row?.payout_id && row.paid_at ? row : null;
    });
    const listing = await db.query("SELECT seller_account_id FROM resale_listings WHERE id = $1", [listingId]);
    const sellerAccountId = listing.rows[0].seller_account_id as string;
    expect({ ...paid, amount_cents: Number(paid.amount_cents) }).toMatchObject({
      ...{ seller_account_id: sellerAccountId, amount_cents: 4_500, paid_at: expect.any(Date) },
      ...{ payout_id: expect.stringMatching(/^po_[0-9a-f]{32}$/), attempts: 0, last_error: null },
    });
    // MockPay: exactly one payout, the listing's, for the price, to the seller; none for the withdrawn listing.
    const payouts = await mockpayPayouts();
    expect(payouts.map((p) => ({ ...p, amount_cents: Number(p.amount_cents) }))).toEqual([
      {
        id: paid.payout_id,
        payout_key: listingId,
        amount_cents: 4_500,
        currency: paid.currency,
        recipient: sellerAccountId,
      },
    ]);
    expect(await payoutRow(withdrawnId)).toBeNull();
    expect(payouts.filter((p) => p.payout_key === withdrawnId)).toEqual([]);
  });
});
