// Goal: resale in a real browser against a real server. Fan A signs up, buys two tickets and, the
// admin having allowed resale, lists one from the order page (at most the cap). Fan B, signed up
// in another browser and already on the event page, sees the listing appear without reloading
// (the socket's resale:changed), buys it, pays on MockPay, lands on the purchase page, sees it
// paid and opens the new ticket (a QR). A's order page then shows that ticket as resold (one QR
// left), A's listings say Sold and B's My tickets lists the new order. Every wait is on what the
// page shows, never a sleep. A guest sees "Sign in to buy", back to the event; the admin's
// dashboard shows the settings, the sale, and saves a change.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  adminSignIn,
  createSale,
  fanPage,
  holdTickets,
  payOnMockPay,
  setResale,
  shownQrSvgs,
  signUpFan,
  useSite,
} from "./support.js";

const opened = useSite();

const resaleSection = (page: Page) => page.getByRole("region", { name: "Resale" });

describe("resale", () => {
  it("list from the order page, buy live from the event page, pay, and the ticket changes hands", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Resale Night" });
    await setResale(url, sale.id, { enabled: true, priceCapPercent: 120, feePercent: 10, lockSeconds: 300 });
    const eventPath = `/events/${sale.id}`;
    const stamp = Date.now().toString(36);
    const errors: string[] = [];

    // A buys two tickets while signed in.
    const a = await fanPage(browser);
    a.page.on("pageerror", (e) => errors.push(`A: ${e.message}`));
    const emailA = `seller-${stamp}@example.test`;
    await signUpFan(a.page, url, emailA, eventPath);
    await holdTickets(a.page, "General admission", 2, emailA);
    await payOnMockPay(a.page);
    await a.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    expect(await shownQrSvgs(a.page, 2)).toHaveLength(2);
    const orderUrlA = a.page.url();

    // B waits on the event page: resale is on, nothing for sale yet.
    const b = await fanPage(browser);
    b.page.on("pageerror", (e) => errors.push(`B: ${e.message}`));
    await signUpFan(b.page, url, `buyer-${stamp}@example.test`, eventPath);
    await resaleSection(b.page).getByText("No tickets are for resale right now").waitFor({ timeout: 10_000 });

    // A lists the first ticket at $50 (the cap: 120 % of $45).
    const first = a.page.getByRole("group", { name: "Resale of ticket 1" });
    await first.getByText("At most $54.00.").waitFor({ timeout: 10_000 });
    await first.getByLabel("Price (USD)").fill("50");
    await first.getByRole("button", { name: "Put up for sale" }).click();
    await first.getByText("For sale").waitFor({ timeout: 10_000 });
    await first.getByRole("button", { name: "Change price" }).waitFor();

    // A guest is asked to sign in first, and comes back to this event after.
    const guest = await fanPage(browser);
    guest.page.on("pageerror", (e) => errors.push(`guest: ${e.message}`));
    await guest.page.goto(`${url}${eventPath}`);
    const signIn = resaleSection(guest.page).getByRole("link", { name: "Sign in to buy" });
    await signIn.waitFor({ timeout: 10_000 });
    expect(await signIn.getAttribute("href")).toBe(`/account/signin?next=${encodeURIComponent(eventPath)}`);
    await guest.context.close();

    // B sees it appear without reloading, and buys it: $50 and the $5 fee.
    const buy = resaleSection(b.page).getByRole("button", { name: /^Buy GA ticket for \$55\.00$/ });
    await buy.waitFor({ timeout: 10_000 });
    await resaleSection(b.page).getByRole("cell", { name: "Available" }).waitFor();
    await buy.click();
    await b.page.waitForURL(/\/mockpay\/checkout\//, { timeout: 15_000 });
    await b.page.getByRole("button", { name: /^Pay / }).click();
    await b.page.waitForURL(/\/resale\/purchases\//, { timeout: 15_000 });
    await b.page.getByRole("heading", { name: "Your resale purchase", level: 1 }).waitFor();
    await b.page.getByText("Paid — the ticket is yours").waitFor({ timeout: 15_000 });
    await b.page.getByRole("link", { name: "Open your ticket" }).click();
    await b.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    expect(await shownQrSvgs(b.page, 1)).toHaveLength(1);

    // A's order: the sold ticket says Resold, one QR is left; A's listings say Sold.
    await a.page.goto(orderUrlA);
    await a.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    await a.page.getByText("Resold", { exact: true }).waitFor({ timeout: 10_000 });
    expect(await shownQrSvgs(a.page, 1)).toHaveLength(1);
    await a.page.goto(`${url}/account`);
    const listings = a.page.getByRole("region", { name: "My listings" });
    await listings.getByRole("cell", { name: /^Sold/ }).waitFor({ timeout: 10_000 });

    // B's My tickets lists the new order.
    await b.page.goto(`${url}/account`);
    const card = b.page.locator("li.card", { has: b.page.getByRole("link", { name: "Resale Night" }) });
    await card.getByText("Paid").waitFor({ timeout: 10_000 });
    await card.getByText(/\b1 ticket\b/).waitFor();

    // The dashboard's Resale panel: the settings as set, the sale counted and listed; a change saved.
    const admin = await fanPage(browser, { width: 1280, height: 900 });
    admin.page.on("pageerror", (e) => errors.push(`admin: ${e.message}`));
    await adminSignIn(admin.page, url);
    await admin.page.goto(`${url}/admin/events/${sale.id}`);
    const panel = admin.page.getByRole("region", { name: "Resale" });
    await panel.getByLabel("Price cap (% of face value)").waitFor({ timeout: 10_000 });
    expect(await panel.getByLabel("Fans may resell their tickets").isChecked()).toBe(true);
    expect(await panel.getByLabel("Price cap (% of face value)").inputValue()).toBe("120");
    await panel.getByRole("row", { name: /GA .*\$50\.00 .*Sold/ }).waitFor();
    await panel.getByLabel("Buyer's fee (% of the price)").fill("5");
    await panel.getByRole("button", { name: "Update resale settings" }).click();
    await panel.getByText("Updated: fans see the new settings at once.").waitFor({ timeout: 10_000 });
    // The ledger audit passes and counts the resold ticket once.
    await admin.page.getByRole("button", { name: "Run audit" }).click();
    await admin.page.getByText(/Audit passed at/).waitFor({ timeout: 10_000 });
    await admin.page.getByText("1 resold ticket, each still one seat", { exact: false }).waitFor();
    await admin.context.close();

    expect(errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
