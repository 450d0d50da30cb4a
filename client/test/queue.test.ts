// Goal: the waiting room in real pages against a real server and workers. Two fans, one checkout
// slot: the first is admitted at once, pays through MockPay and sees the order paid; meanwhile the
// second sees their place (next in line, ticket #2, the slot in use) and is admitted as soon as
// the first has paid. A fan's place moves up when someone ahead leaves, with no admission and
// no action of theirs; an admitted fan's page changes as soon as an admin pauses or closes the sale.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { basicAuth } from "../../server/test/support/fans.js";
import { createSale, fanPage, holdTickets, stackAdmin, useSite, payOnMockPay } from "./support.js";

const opened = useSite();

async function setSaleStatus(url: string, eventId: string, status: string): Promise<void> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/status`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
}

/** Opens the event page and waits until the fan has a place (or their turn). */
async function openInLine(page: Page, eventUrl: string): Promise<void> {
  await page.goto(eventUrl);
  await page.locator(".place-number, h3.turn").first().waitFor({ timeout: 15_000 });
}

describe("the waiting room in the browser", () => {
  it("lets the second fan in after the first pays", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { maxActiveCheckouts: 1 });
    const first = await fanPage(browser);
    const second = await fanPage(browser);
    const eventUrl = `${site.url}/events/${sale.id}`;

    await first.page.goto(eventUrl);
    await first.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });

    await openInLine(second.page, eventUrl);
    expect(await second.page.locator(".place-number").innerText()).toBe("You're next");
    expect(await second.page.locator(".ticket-number").innerText()).toMatch(
      /^Ticket #2 — your number in line; it never changes/,
    );
    expect(await second.page.locator(".place-updated").innerText()).toMatch(/^Updated /);
    const slotNote = second.page.getByText(/The checkout slot is in use by a fan ahead of you/);
    await slotNote.waitFor({ timeout: 5_000 });
    expect(await slotNote.innerText()).toContain("You're next");
    expect(await second.page.getByRole("heading", { name: "It's your turn" }).count()).toBe(0);

    await holdTickets(first.page, "VIP", 1, "first@example.test");
    await payOnMockPay(first.page);
    await first.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });

    await second.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });
    await first.context.close();
    await second.context.close();
  }, 60_000);

  it("moves a fan up when someone ahead leaves, with nobody admitted", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { maxActiveCheckouts: 1 });
    const holder = await fanPage(browser);
    const ahead = await fanPage(browser);
    const behind = await fanPage(browser);
    const eventUrl = `${site.url}/events/${sale.id}`;

    await holder.page.goto(eventUrl);
    await holder.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 }); // holds the only slot
    await openInLine(ahead.page, eventUrl);
    await openInLine(behind.page, eventUrl);
    const figure = behind.page.locator(".place-number");
    expect(await figure.innerText()).toBe("1");
    expect(await behind.page.locator(".place-label").innerText()).toBe("person ahead of you");

    await ahead.page.getByRole("button", { name: "Leave the line" }).click();
    await ahead.page.getByRole("button", { name: "Yes, leave the line" }).click();
    await ahead.page.getByText("You left the line.").waitFor({ timeout: 10_000 });

    await behind.page.locator(".place-number", { hasText: "You're next" }).waitFor({ timeout: 10_000 });
    expect(await behind.page.locator(".ticket-number").innerText()).toMatch(/^Ticket #3 /); // the number never changes
    expect(await behind.page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(await behind.page.getByRole("heading", { name: "It's your turn" }).count()).toBe(0); // nobody was admitted
    for (const f of [holder, ahead, behind]) await f.context.close();
  }, 60_000);

  it("changes an admitted fan's page as soon as the admin pauses, then closes the sale", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url);
    const fan = await fanPage(browser);
    await fan.page.goto(`${site.url}/events/${sale.id}`);
    await fan.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });

    await setSaleStatus(site.url, sale.id, "paused");
    await fan.page.getByText(/^Sales are paused: tickets can't be held until they resume/).waitFor({ timeout: 5_000 });
    expect(await fan.page.getByRole("button", { name: /^Paused/ }).isDisabled()).toBe(true); // no hold the server would refuse
    await setSaleStatus(site.url, sale.id, "closed");
    await fan.page.getByText("Sales have closed.").waitFor({ timeout: 5_000 });
    expect(await fan.page.getByRole("heading", { name: "It's your turn" }).count()).toBe(0);
    expect(await fan.page.locator(".event-head").innerText()).toContain("Sale closed"); // the badge follows
    await fan.context.close();
  }, 60_000);
});
