// Goal: an event that takes its payments with Stripe, set up and sold in a real browser against the
// local Stripe stand-in (this server has Stripe's keys, pointed at it): the admin picks Stripe on
// the New event form and sees it on the dashboard; a fan joins, is admitted, holds, pays on the
// stand-in's page and comes back to paid tickets; the orders table says the order went through
// Stripe. And a payment of another amount than its order's (a signed MockPay webhook) raises the
// dashboard's mismatch alert live, naming the order, which the orders table then finds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { signWebhook, webhookBody } from "../../server/src/payments/webhook.js";
import { admittedFan, hold, sessionIdOf } from "../../server/test/support/checkout.js";
import { waitFor } from "../../server/test/support/fans.js";
import { startStripeStandin, type StripeStandin } from "../../server/test/support/stripe-standin.js";
import {
  adminSignIn,
  createSale,
  fanPage,
  holdTickets,
  openSite,
  qrDrawing,
  shownQrSvgs,
  type Site,
} from "./support.js";

const apiKey = "sk_test_browserStandin0123456789";
const webhookSecret = "whsec_browserStandin0123456789";
const mockpaySecret = "whsec_browser_mockpay_secret_0123";

let stripe: StripeStandin | undefined;
let opened: { site: Site; browser: Browser } | undefined;
beforeAll(async () => {
  stripe = await startStripeStandin({ apiKey, webhookSecret });
  opened = await openSite({
    STRIPE_SECRET_KEY: apiKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: stripe.url,
    MOCKPAY_WEBHOOK_SECRET: mockpaySecret,
  });
  stripe.webhookUrl = `${opened.site.url}/api/payments/stripe/webhook`;
});
afterAll(async () => {
  await opened?.browser.close();
  await opened?.site.stack.close();
  await stripe?.close();
});

function setup(): { site: Site; browser: Browser; stripe: StripeStandin } {
  if (!opened || !stripe) throw new Error("setup failed: the site, the browser or the Stripe stand-in did not start");
  return { ...opened, stripe };
}

/** An admin's wide window, signed in; page errors are collected. */
async function adminPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await adminSignIn(page, url);
  return { page, errors, close: () => context.close() };
}

/** The orders table's row of one order (its id is the row header's title). */
const orderRow = (page: Page, orderId: string) => page.locator(`.orders tbody tr:has(th[title="${orderId}"])`);

describe("an event paid with Stripe", () => {
  it("is made on the form with Stripe chosen, sold to a fan who pays on Stripe's page, and listed as Stripe", async () => {
    const { site, browser, stripe } = setup();
    const admin = await adminPage(browser, site.url);
    const page = admin.page;
    await page.getByRole("button", { name: "New event" }).click();
    await page.locator("#ev-name").fill("Stripe Night");
    await page.getByLabel("On sale now").check();
    const providers = page.getByRole("group", { name: "Payment provider" });
    expect(await providers.getByRole("radio").count()).toBe(2); // this server has Stripe's keys
    expect(await providers.getByRole("radio", { name: /^MockPay/ }).isChecked()).toBe(true);
    await providers.getByRole("radio", { name: /^Stripe/ }).check();
    await page.getByRole("button", { name: "Create event" }).click();
    await page.getByRole("heading", { name: "Stripe Night" }).waitFor({ timeout: 10_000 });
    const eventId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(await page.locator(".dash-provider").innerText()).toBe("Payments: Stripe");

    const fan = await fanPage(browser);
    const fanErrors: string[] = [];
    fan.page.on("pageerror", (e) => fanErrors.push(e.message));
    await fan.page.goto(`${site.url}/events/${eventId}`);
    await holdTickets(fan.page, "General admission", 2, "stripe-fan@example.test", (u) =>
      u.href.startsWith(`${stripe.url}/c/pay/cs_`),
    );
    expect(await fan.page.locator("#amount").innerText()).toBe("90.00 USD");
    await fan.page.getByRole("button", { name: "Pay", exact: true }).click();
    await fan.page.waitForURL((u) => u.href.startsWith(`${site.url}/orders/`), { timeout: 15_000 });
    await fan.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    for (const svg of await shownQrSvgs(fan.page, 2)) expect(svg).toMatch(qrDrawing);
    const orderId = new URL(fan.page.url()).pathname.split("/").pop() ?? "";
    expect(fanErrors).toEqual([]);
    await fan.context.close();

    // The dashboard has been open all along: the sale's feed line brings the orders table up to date.
    const row = orderRow(page, orderId);
    await row.locator(".order-paid").waitFor({ timeout: 15_000 });
    expect(await row.locator("td.provider").innerText()).toBe("Stripe");
    expect(await page.getByRole("heading", { name: "Payments that don't match their order" }).count()).toBe(0);
    expect(admin.errors).toEqual([]);
    await admin.close();
  }, 90_000);

  it("raises the mismatch alert live for a payment of another amount, and finds its order in the table", async () => {
    const { site, browser } = setup();
    const sale = await createSale(site.url, { name: "Mismatch Night" });
    const admin = await adminPage(browser, site.url);
    const page = admin.page;
    await page.goto(`${site.url}/admin/events/${sale.id}`);
    await page.getByText("✓ Every tier adds up").waitFor({ timeout: 10_000 }); // the first stats tick
    const alert = page.getByRole("alert").filter({ hasText: "Payments that don't match their order" });
    expect(await alert.count()).toBe(0);

    const [fan, other] = [await admittedFan(site.url, sale.id), await admittedFan(site.url, sale.id)];
    let orderId: string;
    try {
      // Another order of the event, paid for nothing yet: the table lists it until the alert's search.
      expect((await hold(site.url, other, sale.id, [{ classId: sale.classes[1]!.id, quantity: 1 }])).status).toBe(201);
      const held = await hold(site.url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 1 }]);
      expect(held.status).toBe(201);
      orderId = held.body.orderId;
      const created = Math.floor(Date.now() / 1000);
      const body = webhookBody({
        id: "evt_browsermismatch1",
        type: "payment.succeeded",
        created,
        data: { sessionId: sessionIdOf(held.body.paymentUrl), orderId, amountCents: 1, currency: "USD" },
      });
      const delivered = await fetch(`${site.url}/api/payments/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "mockpay-signature": signWebhook(mockpaySecret, body, created) },
        body,
      });
      expect(delivered.status).toBe(200);
    } finally {
      fan.close();
      other.close();
    }
    await waitFor(
      "both orders in the table",
      async () => (await page.locator(".orders tbody tr th").count()) === 2,
      15_000,
    );

    await alert.waitFor({ timeout: 10_000 }); // pushed with the stats ticks, no reload
    expect(await alert.innerText()).toContain("1 payment for 1 order came with another amount or currency");
    expect(await alert.locator("code").allInnerTexts()).toEqual([orderId]);
    await alert.getByRole("button", { name: "Show in orders" }).click();
    expect(await page.locator("#orders-q").inputValue()).toBe(orderId);
    const rows = page.locator(".orders tbody tr");
    await waitFor("the table to show that order alone", async () => (await rows.count()) === 1, 10_000);
    expect(await orderRow(page, orderId).locator(".order-held").count()).toBe(1); // never settled
    expect(admin.errors).toEqual([]);
    await admin.close();
  }, 90_000);
});
