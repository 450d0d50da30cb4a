// Goal: two fans in two browsers, one checkout slot. The first is admitted at once, pays through
// MockPay and sees the order paid; meanwhile the second sees their place (next in line, queue
// number 2, the slot in use) and is admitted as soon as the first has paid — all in real pages
// against a real server and workers.
import { describe, expect, it } from "vitest";
import { createSale, fanPage, holdTickets, useSite, payOnMockPay } from "./support.js";

const opened = useSite();

describe("the waiting room in the browser", () => {
  it("lets the second fan in after the first pays", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { maxActiveCheckouts: 1 });
    const first = await fanPage(browser);
    const second = await fanPage(browser);
    const eventUrl = `${site.url}/events/${sale.id}`;

    await first.page.goto(eventUrl);
    await first.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });

    await second.page.goto(eventUrl);
    const place = second.page.locator(".place-number");
    await place.waitFor({ timeout: 15_000 });
    expect(await place.innerText()).toBe("1");
    const facts = await second.page.locator(".place-facts").innerText();
    expect(facts).toMatch(/People ahead of you\s+0/);
    expect(await second.page.getByText("Queue number #2").count()).toBe(1);
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
});
