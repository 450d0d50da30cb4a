// Goal: optional fan accounts in a real browser against a real server. A fan signs up from the
// header (Sign in → Create an account) while on a sale's page, comes back to it signed in, buys
// tickets as usual, and finds the order under My tickets with a link that opens it. In a second
// browser the same email signs in and My tickets shows the same order; signing out brings the
// header's "Sign in" back. Every wait is on what the page shows, never a sleep.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createSale, fanPage, holdTickets, payOnMockPay, shownQrSvgs, useSite } from "./support.js";

const opened = useSite();

const header = (page: Page) => page.getByRole("navigation", { name: "Main" });

/** On My tickets: the order's card, found by its event's name and its status. */
async function ticketsShow(page: Page, eventName: string): Promise<void> {
  await page.getByRole("heading", { name: "My tickets", level: 1 }).waitFor({ timeout: 10_000 });
  const card = page.locator("li.card", { has: page.getByRole("link", { name: eventName }) });
  await card.getByText("Paid").waitFor({ timeout: 10_000 });
  await card.getByText("2 tickets").waitFor();
}

describe("fan accounts", () => {
  it("sign up from the header, buy, find the order in My tickets on two browsers; sign out", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Accounts Night" });
    const email = `fan-${Date.now().toString(36)}@example.test`;
    const password = "correct horse battery";

    const first = await fanPage(browser);
    const errors: string[] = [];
    first.page.on("pageerror", (e) => errors.push(e.message));
    await first.page.goto(`${url}/events/${sale.id}`);
    await header(first.page).getByRole("link", { name: "Sign in" }).click();
    await first.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await first.page.getByRole("link", { name: "Create an account" }).click();
    await first.page.getByRole("heading", { name: "Create an account", level: 1 }).waitFor();
    await first.page.getByLabel("Email").fill(email);
    await first.page.getByLabel("Password").fill(password);
    await first.page.getByRole("button", { name: "Create account" }).click();

    // Back on the sale's page (a real page load), signed in.
    await first.page.waitForURL(`${url}/events/${sale.id}`, { timeout: 10_000 });
    await header(first.page).getByText(email).waitFor({ timeout: 10_000 });
    await holdTickets(first.page, "General admission", 2, email);
    await payOnMockPay(first.page);
    await first.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });

    await header(first.page).getByRole("link", { name: "My tickets" }).click();
    await ticketsShow(first.page, "Accounts Night");
    await first.page.getByRole("link", { name: "Accounts Night" }).click();
    await first.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    expect(await shownQrSvgs(first.page, 2)).toHaveLength(2);

    // Another browser: sign in with the same email, the same order is there.
    const second = await fanPage(browser);
    second.page.on("pageerror", (e) => errors.push(e.message));
    await second.page.goto(url);
    await header(second.page).getByRole("link", { name: "Sign in" }).click();
    await second.page.getByLabel("Email").fill(email);
    await second.page.getByLabel("Password").fill(password);
    await second.page.getByRole("button", { name: "Sign in" }).click();
    await second.page.waitForURL(`${url}/account`, { timeout: 10_000 });
    await ticketsShow(second.page, "Accounts Night");
    await header(second.page).getByText(email).waitFor();

    await header(second.page).getByRole("button", { name: "Sign out" }).click();
    await header(second.page).getByRole("link", { name: "Sign in" }).waitFor({ timeout: 10_000 });
    await second.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    expect(await header(second.page).getByText(email).count()).toBe(0);
    expect(await header(second.page).getByRole("button", { name: "Sign out" }).count()).toBe(0);

    expect(errors).toEqual([]);
    await first.context.close();
    await second.context.close();
  });
});
