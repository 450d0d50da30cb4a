// Goal: an order's private link keeps its token out of every request the browser makes for the
// page: the link shown to keep is `/orders/<id>#token=…` (a fragment is never sent), it opens the
// order in a fresh browser, and links sent before with `?token=` still open it.
import { describe, expect, it } from "vitest";
import { admittedFan, hold } from "../../server/test/support/checkout.js";
import { createSale, useSite } from "./support.js";

const opened = useSite();

describe("an order's private link", () => {
  it("carries the token in the fragment, opens the order in a fresh browser, and old ?token= links still work", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { name: "Private Link Night" });
    const fan = await admittedFan(site.url, sale.id);
    const held = await hold(site.url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 1 }]);
    fan.close();
    const token = held.body.orderToken;

    // The old form, as sent before: it opens the order and the link offered to keep is the new form.
    const oldContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const oldPage = await oldContext.newPage();
    await oldPage.goto(`${site.url}/orders/${held.body.orderId}?token=${encodeURIComponent(token)}`);
    await oldPage.getByRole("heading", { name: "Your tickets are held" }).waitFor({ timeout: 15_000 });
    const kept = await oldPage.getByLabel("Private link to this order").inputValue();
    expect(kept).toBe(`${site.url}/orders/${held.body.orderId}#token=${encodeURIComponent(token)}`);
    await oldContext.close();

    // The new form in a fresh browser (no stored token): no request it makes carries the token.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(kept);
    await page.getByRole("heading", { name: "Your tickets are held" }).waitFor({ timeout: 15_000 });
    const pageLoad = requested.find((u) => new URL(u).pathname === `/orders/${held.body.orderId}`);
    expect(pageLoad).toBeDefined();
    expect(pageLoad).not.toContain(token);
    expect(requested.filter((u) => u.includes(encodeURIComponent(token)) && !u.includes("/api/"))).toEqual([]);
    await context.close();
  }, 60_000);
});
