// Goal: the seller of a resold ticket is told, by email, through the real stack (server, two workers
// processes sweeping the same listings, MockPay, PostgreSQL, Redis) and a real SMTP server. A
// listing sold through the HTTP API brings its seller exactly one "was resold" notice: to the
// seller's account address, naming the event, saying the old ticket is void, with the payout and the
// link to the account page. Negative control: a seller who withdrew their listing is told nothing.
// An SMTP server refusing the seller is tried again and the notice delivered once it accepts, once.
// The sweep runs every 200 ms; the tests wait for messages to arrive, never for a time.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { completePayment } from "./support/checkout.js";
import { waitFor, type TestFan } from "./support/fans.js";
import { call, type Device } from "./support/devices.js";
import { resaleHelpers, type ResaleSale } from "./support/resale.js";
import { testPool } from "./support/services.js";
import { smtpSink } from "./support/smtp-sink.js";
import { startStack, type TestStack } from "./support/stack.js";

const sink = smtpSink();
let stack: TestStack;
let url = "";
let db: pg.Pool;
const sockets: TestFan[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.server.address() as AddressInfo;
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: "Stampede Resale <resale@shop.test>",
    MAIL_SWEEP_EVERY_MS: "200",
  });
  url = (await stack.addServer()).url;
  // The notices carry the account page's address: the server's, which got a free port. Two workers
  // processes sweep the same listings: each notice must still go out once.
  stack.addWorkers({ PUBLIC_URL: url });
  stack.addWorkers({ PUBLIC_URL: url });
  db = testPool(stack.db.url, 2);
}, 120_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await db?.end();
  await stack?.close();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
});

const { signedUp, resaleEvent, sellerWithTickets } = resaleHelpers(() => url, sockets);
const as = (d: Device, method: string, path: string, body?: unknown) => call(url, d, method, path, body);

const noticesOf = (listingId: string) =>
  sink.arrived.filter((a) => a.mail.messageId === `<resale-sold.${listingId}@stampede>`);
const arrives = (listingId: string) =>
  waitFor(`the sold notice of ${listingId}`, () => noticesOf(listingId)[0], 30_000);
const resoldTo = (email: string) =>
  sink.arrived.filter((a) => a.to.includes(email) && /was resold/.test(a.mail.subject ?? ""));

/** Lists one of the seller's tickets at `priceCents`; the listing's id. */
async function list(seller: { device: Device }, ticketId: string, priceCents: number): Promise<string> {
  const listed = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents });
  expect(listed.status).toBe(201);
  return listed.body.listingId as string;
}

/** A fresh signed-up fan buys the listing and pays; resolves once the purchase is paid. */
async function buyListing(listingId: string): Promise<void> {
  const buyer = await signedUp("buyer");
  const bought = await as(buyer.device, "POST", `/api/resale/listings/${listingId}/buy`, {});
  expect(bought.status).toBe(201);
  await completePayment(url, bought.body.paymentUrl, "succeeded");
  await waitFor("purchase paid", async () => {
    const p = await as(buyer.device, "GET", `/api/resale/purchases/${bought.body.purchaseId}`);
    return p.body.status === "paid";
  });
}

const noticeState = async (listingId: string) =>
  (
    await db.query(
      `SELECT sold_notice_sent_at IS NOT NULL AS sent, notice_due_at IS NOT NULL AS claimed, notice_attempts AS attempts
       FROM resale_listings WHERE id = $1`,
      [listingId],
    )
  ).rows[0] as { sent: boolean; claimed: boolean; attempts: number };

describe("resale notices", () => {
  it("tells the seller once that their ticket was resold, with the payout; a withdrawn listing's seller, never", async () => {
    const name = `Resold <b>night</b> & "friends"`;
    const sale: ResaleSale = await resaleEvent(name);
    const seller = await sellerWithTickets(sale);
    const withdrawer = await sellerWithTickets(sale, "withdrawer");
    const [first, second] = seller.order.tickets;

    // The control: listed, then withdrawn before anyone bought it.
    const withdrawn = await list(withdrawer, withdrawer.order.tickets[0]!.ticketId, 4_000);
    const gone = await as(withdrawer.device, "DELETE", `/api/resale/listings/${withdrawn}`);
    expect([gone.status, gone.body.status]).toEqual([200, "withdrawn"]);

    const sold = await list(seller, first!.ticketId, 4_500);
    await buyListing(sold);
    const { to, mail } = await arrives(sold);
    expect(to).toEqual([seller.email]);
    expect(mail.from?.text).toContain("resale@shop.test");
    expect(mail.subject).toBe(`Your ticket for ${name} was resold`);
    // The payout is the price (the 10 % fee is the buyer's): 45.00, not the 49.50 the buyer paid.
    expect(mail.text).toContain("Your payout: $45.00 (USD).");
    expect(mail.text).not.toContain("$49.50");
    expect(mail.text).toContain("General (GA)");
    expect(mail.text).toContain("now void");
    expect(mail.text).toContain(`${url}/account`);
    const html = String(mail.html);
    expect(html).toContain(`href="${url}/account"`);
    expect(html).toContain("<strong>$45.00</strong>");
    expect(html).toContain("Resold &lt;b&gt;night&lt;/b&gt; &amp; &quot;friends&quot;");
    expect(html).not.toContain("<b>night</b>");
    await waitFor("the notice's stamp", async () => (await noticeState(sold)).sent);

    // A second sale, after the first notice's stamp and the withdrawal: when its notice has come, the
    // sweeps have passed over both listings again, and neither was sent a second time or at all.
    const later = await list(seller, second!.ticketId, 5_000);
    await buyListing(later);
    expect((await arrives(later)).mail.text).toContain("Your payout: $50.00 (USD).");
    expect(noticesOf(sold)).toHaveLength(1);
    expect(noticesOf(later)).toHaveLength(1);
    expect(resoldTo(seller.email)).toHaveLength(2);
    expect(noticesOf(withdrawn)).toHaveLength(0);
    expect(resoldTo(withdrawer.email)).toHaveLength(0);
    expect(await noticeState(withdrawn)).toEqual({ sent: false, claimed: false, attempts: 0 });
  }, 120_000);

  it("retries while the SMTP server refuses the seller and delivers once, when it accepts", async () => {
    const sale = await resaleEvent("Resold while busy");
    const seller = await sellerWithTickets(sale, "busy-seller");
    // Its sign-up email out of the way first: what the server refuses from now on is the notice.
    await waitFor("the sign-up email", () => sink.arrived.find((a) => a.to.includes(seller.email)));
    sink.refusing.add(seller.email);
    const listingId = await list(seller, seller.order.tickets[0]!.ticketId, 4_200);
    await buyListing(listingId);
    // Refused, backed off, tried again: at least twice before the server gives in.
    await waitFor("two refusals", () => sink.refusals.filter((r) => r === seller.email).length >= 2, 20_000);
    expect(noticesOf(listingId)).toHaveLength(0);
    expect((await noticeState(listingId)).attempts).toBeGreaterThanOrEqual(1);
    sink.refusing.delete(seller.email);
    expect((await arrives(listingId)).to).toEqual([seller.email]);
    await waitFor("the notice's stamp", async () => (await noticeState(listingId)).sent);
    expect(await noticeState(listingId)).toMatchObject({ sent: true, claimed: false, attempts: 0 });
    // Another sale after it went out is told too; by then this one had its stamp: still one notice.
    const later = await list(seller, seller.order.tickets[1]!.ticketId, 4_300);
    await buyListing(later);
    await arrives(later);
    expect(noticesOf(listingId)).toHaveLength(1);
  }, 120_000);
});
