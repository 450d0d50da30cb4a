// Goal: a fan who goes Back from the payment page finds their order on the event page — the live
// hold with its Pay link and countdown, and after paying, the paid order with a link to the
// tickets — whether the browser reloads the page or restores it from its back/forward cache
// (`pageshow` with persisted). MockPay's page counts down to the hold's end, live, under the CSP,
// and says the payment has expired at 0.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../server/test/support/fans.js";
import { createSale, fanPage, holdTickets, payOnMockPay, qrDrawing, shownQrSvgs, useSite } from "./support.js";

const opened = useSite();

describe("Back from the payment page", () => {
  it("shows the held order with its Pay link, then the paid order with its tickets", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url);
    const { context, page } = await fanPage(browser);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${site.url}/events/${sale.id}`);
    await holdTickets(page, "VIP", 2);
    const paymentUrl = page.url();
    const first = await leftToPay(page);
    expect(first).toMatch(/^[45]:\d\d left to pay$/); // a 5 min hold
    await waitFor("the countdown to move", async () => (await leftToPay(page)) !== first);

    await page.goBack();
    const held = page.locator(".current-order");
    await held.getByRole("heading", { name: "Your tickets are held" }).waitFor({ timeout: 15_000 });
    expect(await held.getByRole("link", { name: "Pay now" }).getAttribute("href")).toBe(paymentUrl);
    expect(await held.innerText()).toContain("2 × VIP");
    expect(await held.locator(".countdown-time").innerText()).toMatch(/^0[45]:\d\d$/); // a 5 min hold, counting down
    // No second hold while this one is live.
    expect(await page.getByRole("button", { name: "Hold tickets" }).count()).toBe(0);

    await held.getByRole("link", { name: "Pay now" }).click();
    await page.waitForURL(paymentUrl);
    await payOnMockPay(page);
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });

    await page.goBack(); // MockPay's page
    await page.goBack(); // the event page
    const paid = page.locator(".current-order");
    await paid.getByRole("heading", { name: "You have tickets" }).waitFor({ timeout: 15_000 });
    expect(await paid.innerText()).toContain("2 × VIP");
    await paid.getByRole("link", { name: "See your tickets" }).click();
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 10_000 });

    // Another tab of the same browser has no order token in its storage: the fan's own auth reads it.
    const tab = await context.newPage();
    await tab.goto(`${site.url}/events/${sale.id}`);
    await tab.locator(".current-order").getByRole("link", { name: "See your tickets" }).click();
    await tab.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 10_000 });
    for (const svg of await shownQrSvgs(tab, 2)) expect(svg).toMatch(qrDrawing);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("refreshes a page restored from the back/forward cache (pageshow, persisted)", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url);
    const { context, page } = await fanPage(browser);
    await page.goto(`${site.url}/events/${sale.id}`);
    await holdTickets(page, "General admission", 1);
    const paymentUrl = page.url();
    await page.goBack();
    await page
      .locator(".current-order")
      .getByRole("heading", { name: "Your tickets are held" })
      .waitFor({ timeout: 15_000 });

    // Paid elsewhere (another device) while this page sat in the cache; then the cache restores it.
    const sessionId = new URL(paymentUrl).pathname.split("/").pop() ?? "";
    const paid = await page.request.post(`${site.url}/mockpay/api/sessions/${sessionId}/complete`, {
      data: { outcome: "succeeded" },
    });
    expect(paid.status()).toBe(200);
    await waitFor("the restored page to show the paid order", async () => {
      await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true })));
      return page.getByRole("heading", { name: "You have tickets" }).isVisible();
    });
    await context.close();
  }, 90_000);

  it("offers a fan with 2 of 6 tickets bought at most 4 more on their next turn", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, {
      classes: [{ code: "GA", name: "General admission", priceCents: 4_500, capacity: 200, perOrderMax: 6 }],
    });
    const { context, page } = await fanPage(browser);
    await page.goto(`${site.url}/events/${sale.id}`);
    await holdTickets(page, "General admission", 2);
    await payOnMockPay(page);
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });

    await page.goto(`${site.url}/events/${sale.id}`);
    const turn = page.getByRole("heading", { name: "It's your turn" });
    const join = page.getByRole("button", { name: "Join the queue again" });
    await waitFor("a new turn, or a way to get one", async () => (await turn.isVisible()) || (await join.isVisible()));
    if (await join.isVisible()) await join.click();
    await turn.waitFor({ timeout: 20_000 });
    await page
      .getByText("You already have 2 of the 6 tickets allowed per fan for this event, so you can pick 4 more.")
      .waitFor({ timeout: 15_000 });
    expect(await page.getByLabel("General admission").locator("option").allInnerTexts()).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
    ]);
    await context.close();
  }, 90_000);

  it("MockPay's page says the payment has expired when the hold's time is up, and disables Pay", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { holdSeconds: 20 });
    const { context, page } = await fanPage(browser);
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${site.url}/events/${sale.id}`);
    await holdTickets(page, "General admission", 1);
    expect(await leftToPay(page)).toMatch(/^0:(1\d|20|0\d) left to pay$/);
    await page.getByText("This payment has expired").waitFor({ timeout: 40_000 });
    expect(await page.getByRole("button", { name: /^Pay / }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: /^Cancel/ }).isEnabled()).toBe(true);
    expect(blocked).toEqual([]);
    await context.close();
  }, 90_000);
});

async function leftToPay(page: Page): Promise<string> {
  return page.locator("[data-left]").innerText();
}
