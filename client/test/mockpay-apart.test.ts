// Goal: with MockPay in its own process, as a real provider is, a fan in a real browser holds
// tickets on the shop, pays on MockPay's own origin (its page, its script, its CSP), and is sent
// back to the shop's order page, which shows the paid tickets; no page errors on either origin.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../server/test/support/services.js";
import { startStack, type TestStack } from "../../server/test/support/stack.js";
import {
  createSale,
  fanPage,
  holdTickets,
  launchBrowser,
  payOnMockPay,
  qrDrawing,
  requireBuiltClient,
  shownQrSvgs,
} from "./support.js";

let stack: TestStack;
let browser: Browser;
let shopUrl: string;
let mockpayUrl: string;

beforeAll(async () => {
  requireBuiltClient();
  stack = await startStack({ MOCKPAY_API_KEY: "sk_browser_mockpay_apart_0123" });
  const shopPort = await closedPort();
  const mockpay = await stack.addMockPay({ MOCKPAY_WEBHOOK_URL: `http://127.0.0.1:${shopPort}/api/payments/webhook` });
  mockpayUrl = mockpay.url;
  shopUrl = (await stack.addServer({ PORT: String(shopPort), MOCKPAY_URL: mockpay.url })).url;
  stack.addWorkers({ MOCKPAY_URL: mockpay.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("paying on MockPay's own origin", () => {
  it("holds on the shop, pays on MockPay, and comes back to the paid order", async () => {
    const sale = await createSale(shopUrl);
    const { context, page } = await fanPage(browser);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

    await page.goto(`${shopUrl}/events/${sale.id}`);
    await holdTickets(page, "VIP", 2);
    expect(new URL(page.url()).origin).toBe(mockpayUrl);
    await payOnMockPay(page);
    expect(new URL(page.url()).origin).toBe(shopUrl);
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    for (const svg of await shownQrSvgs(page, 2, 15_000)) expect(svg).toMatch(qrDrawing);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
