// Goal: an admin edits an event from its dashboard's Edit form (name, description, a price, a
// capacity) and a fan's event page, open all along, shows the change without a reload (pushed as
// event:updated); a capacity below what is sold and held is refused under its field, nothing saved.
import { describe, expect, it } from "vitest";
import { admittedFan, hold } from "../../server/test/support/checkout.js";
import { adminSignIn, createSale, fanPage, useSite } from "./support.js";

const opened = useSite();

describe("editing an event", () => {
  it("saves the Edit form and the open fan page follows without a reload", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Before the edit" });
    const vip = sale.classes.find((c) => c.code === "VIP")!;

    const fan = await fanPage(browser);
    const errors: string[] = [];
    fan.page.on("pageerror", (e) => errors.push(e.message));
    let loads = 0;
    fan.page.on("load", () => (loads += 1));
    await fan.page.goto(`${url}/events/${sale.id}`);
    await fan.page.getByRole("heading", { name: "Before the edit" }).waitFor();
    // In the event's room (admitted at once at this rate): pushes reach this page from now on.
    await fan.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });

    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await adminSignIn(page, url);
    await page.goto(`${url}/admin/events/${sale.id}`);
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.locator("form", { has: page.getByRole("heading", { name: "Edit event" }) });

    // Two VIP tickets held by another fan: the capacity can't go below them.
    const other = await admittedFan(url, sale.id);
    try {
      expect((await hold(url, other, sale.id, [{ classId: vip.id, quantity: 2 }])).status).toBe(201);
    } finally {
      other.close();
    }
    await form.getByLabel("VIP name").waitFor();
    await form.getByLabel("Capacity").first().fill("1");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.getByText("Nothing was saved").waitFor({ timeout: 10_000 });
    await form.locator(".field-error", { hasText: "sold and held" }).waitFor();

    await form.getByLabel("Name", { exact: true }).fill("After the edit");
    await form.getByLabel("Description").fill("Doors open at seven.");
    await form.getByLabel("Capacity").first().fill("30");
    await form.getByLabel("Price (USD)").nth(1).fill("50.00");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "After the edit", level: 1 }).waitFor({ timeout: 10_000 });
    expect(await form.count()).toBe(0);

    // The fan's page, never reloaded, shows the edit.
    await fan.page.getByRole("heading", { name: "After the edit" }).waitFor({ timeout: 10_000 });
    await fan.page.getByText("Doors open at seven.").waitFor();
    const gaRow = fan.page.locator("table.tiers tr", { hasText: "General admission" });
    await gaRow.getByText("$50.00").waitFor();
    const vipRow = fan.page.locator("table.tiers tr", { hasText: "VIP" });
    await vipRow.locator(".left", { hasText: "28" }).waitFor({ timeout: 10_000 });
    expect(loads).toBe(1);
    expect(errors).toEqual([]);
    await admin.close();
    await fan.context.close();
  });
});
