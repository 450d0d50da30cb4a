// Goal: an admin signs in through the form, opens an event's dashboard from the events list,
// sees a sale a fan makes (through the API) in the live feed as it is paid (pushed, no reload),
// and pauses and resumes the sale from the page, the status following each click; creates an
// event with the New event form (MockPay the only provider offered: no Stripe keys) and lands on
// its dashboard, which names the provider. A viewer sees the same dashboard
// without any control that writes. After a reload the feed still shows the earlier sale (its
// history is read back). On a 390 px phone the dashboard, with long emails in its orders, does not
// scroll sideways. The New event form puts each error under its field, stating the rule (a floor
// above the ceiling of automatic admission included).
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { waitFor } from "../../server/test/support/fans.js";
import type { Page } from "playwright-core";
import { adminSignIn, createAdminUser, createSale, useSite } from "./support.js";

const opened = useSite();

describe("the admin dashboard", () => {
  it("shows a sale live, pauses and resumes it, and creates an event from the form", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Dashboard Night" });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Every stats:tick the page receives (server time): "later ticks" are observed, not slept on.
    const tickTimes: number[] = [];
    page.on("websocket", (ws) =>
      ws.on("framereceived", ({ payload }) => {
        if (typeof payload !== "string" || !payload.includes('"stats:tick"')) return;
        const [, stats] = JSON.parse(payload.slice(payload.indexOf("["))) as [string, { atMs: number }];
        tickTimes.push(stats.atMs);
      }),
    );

    await adminSignIn(page, url);
    await page.getByRole("link", { name: "Dashboard Night" }).click();
    await page.waitForURL(`${url}/admin/events/${sale.id}`);
    const status = page.locator(".dash-status");
    await status.getByText("On sale").waitFor();
    await page.getByText("✓ Every tier adds up").waitFor({ timeout: 10_000 }); // the first stats tick
    expect(await page.locator(".chart canvas").count()).toBeGreaterThanOrEqual(4);

    const fan = await admittedFan(url, sale.id);
    try {
      const held = await hold(url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 2 }]);
      expect(held.status).toBe(201);
      await completePayment(url, held.body.paymentUrl, "succeeded");
      await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
      // Pushed, not polled: the page is not reloaded. (How fast is the benchmarks' business, not a test's.)
      const line = page.locator(".feed-line", { hasText: held.body.orderId.slice(-8) }).filter({ hasText: "Paid" });
      await line.waitFor({ timeout: 15_000 });
      expect(await line.innerText()).toContain("$240.00");

      await page.reload(); // the feed is read back, not only pushed
      const again = page.locator(".feed-line", { hasText: held.body.orderId.slice(-8) });
      await again.filter({ hasText: "Paid" }).waitFor({ timeout: 10_000 });
      await again.filter({ hasText: "Hold placed" }).waitFor();
      expect(await again.count()).toBe(2);
    } finally {
      fan.close();
    }
    await waitFor("revenue tile", async () => (await page.locator(".tile-strong dd").innerText()) === "$240.00", 5_000);

    await page.getByRole("button", { name: "Pause the sale" }).click();
    await status.getByText("Paused").waitFor({ timeout: 5_000 });
    await page.getByRole("button", { name: "Resume the sale" }).click();
    await status.getByText("On sale").waitFor({ timeout: 5_000 });
    // Ticks after our own move keep what the server says. The page lets its own move win over
    // ticks for 3 s (one made before the move may still say "Paused"), then follows them: record
    // every status the header shows from now on, until two ticks made after that window arrived.
    const resumedMs = Date.now();
    await status.evaluate((el) => {
      const seen = [el.textContent ?? ""];
      new MutationObserver(() => seen.push(el.textContent ?? "")).observe(el, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    });
    await waitFor(
      "two stats ticks after our own move's window",
      () => tickTimes.filter((t) => t > resumedMs + 3_000).length >= 2,
      20_000,
    );
    const seen = await page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);
    expect(seen.length).toBeGreaterThan(0);
    for (const text of seen) expect(text).toContain("On sale");

    await page.getByRole("link", { name: "All events" }).click();
    await page.getByRole("button", { name: "New event" }).click();
    // No Stripe keys on this server: the form offers MockPay alone, and says why.
    const providers = page.getByRole("group", { name: "Payment provider" });
    expect(await providers.getByRole("radio").count()).toBe(1);
    expect(await providers.getByRole("radio", { name: /^MockPay/ }).isChecked()).toBe(true);
    await providers.getByText("Stripe isn't set up on this server").waitFor();
    await page.locator("#ev-name").fill("Form Night");
    await page.getByLabel("On sale now").check();
    await page.getByRole("button", { name: "Create event" }).click();
    await page.getByRole("heading", { name: "Form Night" }).waitFor({ timeout: 10_000 });
    expect(page.url()).toMatch(/\/admin\/events\/[0-9a-f-]{36}$/);
    await page.locator(".dash-status").getByText("On sale").waitFor();
    expect(await page.locator(".dash-provider").innerText()).toBe("Payments: MockPay");
    expect(errors).toEqual([]);
    await context.close();

    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewerPage = await viewer.newPage();
    await adminSignIn(viewerPage, url, await createAdminUser(site, "viewer"));
    await viewerPage.goto(`${url}/admin/events/${sale.id}`);
    await viewerPage.getByText("✓ Every tier adds up").waitFor({ timeout: 10_000 });
    expect(await viewerPage.getByRole("button", { name: /Pause|Close|Cancel the event|Refund|Save/ }).count()).toBe(0);
    await viewer.close();
  }, 60_000);

  it("fits a 390 px phone: no sideways page scroll, long emails cut with the full address in a title", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Narrow Night" });
    const email = "a.very.long.address.for.the.orders.table@an-extremely-long-domain-name.example.test";
    const fan = await admittedFan(url, sale.id);
    try {
      const res = await fetch(`${url}/api/events/${sale.id}/holds`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}` },
        body: JSON.stringify({
          admissionToken: fan.admissionToken,
          items: [{ classId: sale.classes[0]!.id, quantity: 1 }],
          email,
        }),
      });
      expect(res.status).toBe(201);
    } finally {
      fan.close();
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await adminSignIn(page, url);
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.goto(`${url}/admin/events/${sale.id}`);
    const cell = page.locator(".orders td.email", { hasText: email.slice(0, 20) });
    await cell.waitFor({ timeout: 10_000 });
    await waitFor("the charts", async () => (await page.locator(".chart canvas").count()) >= 4, 10_000);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    expect(await cell.getAttribute("title")).toBe(email);
    // Measured inside the page: the live table may re-render the row between finding and measuring it.
    const height = await cell.evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeLessThan(40); // one line, not a column of fragments

    await page.locator("#adm-rate").fill("999999999");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expectFieldError(page, "#adm-rate", "A whole number from 1 to 1,000,000.");
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await context.close();
  }, 60_000);

  it("puts each New event error under its field, saying the rule", async () => {
    const { site, browser } = opened();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await adminSignIn(page, site.url);
    await page.getByRole("button", { name: "New event" }).click();
    const tier1 = page.getByRole("group", { name: "Tier 1" });
    const create = page.getByRole("button", { name: "Create event" });

    await page.locator("#ev-name").fill("Errors Night");
    await tier1.getByLabel("Currency").fill("zz");
    await create.click();
    await expectFieldError(
      page,
      "#" + (await tier1.getByLabel("Currency").getAttribute("id"))!,
      "A three-letter currency code such as USD.",
    );
    expect(await tier1.getByLabel("Price").getAttribute("aria-invalid")).toBe("false");
    expect(await page.locator(".field-error").count()).toBe(1);

    await tier1.getByLabel("Currency").fill("USD");
    await page.getByLabel("Fixed rate").check();
    await page.getByLabel("Fans admitted per minute").fill("999999999");
    await create.click();
    await expectFieldError(page, "#wr-admitPerMinute", "A whole number from 1 to 1,000,000.");
    expect(await page.locator(".field-error").count()).toBe(1);

    await page.getByLabel("Fans admitted per minute").fill("600");
    await page.getByLabel("Automatic (recommended)").check();
    await page.getByLabel("Floor (fans a minute)").fill("5000");
    await page.getByLabel("Ceiling (fans a minute)").fill("1000");
    await create.click();
    await expectFieldError(page, "#wr-admitPerMinuteFloor", "The floor must not be above the ceiling.");
    expect(await page.locator(".field-error").count()).toBe(1);

    await page.getByLabel("Floor (fans a minute)").fill("60");
    await page.locator("#ev-name").fill("");
    await page.getByRole("button", { name: "Add a tier" }).click();
    await create.click();
    await expectFieldError(page, "#ev-name", "Required.");
    const tier2 = page.getByRole("group", { name: "Tier 2" });
    for (const [label, message] of [
      ["Code", "1 to 32 letters, digits, _ or - (no spaces)."],
      ["Name", "Required."],
      ["Price", "An amount such as 45 or 45.50."],
      ["Capacity", "A whole number from 1 to 10,000,000."],
    ] as const) {
      await expectFieldError(page, "#" + (await tier2.getByLabel(label, { exact: true }).getAttribute("id"))!, message);
    }
    expect(await page.locator(".field-error").count()).toBe(5);
    await context.close();
  }, 60_000);
});

/** The field is marked invalid and its aria-describedby names the error shown under it, with this text. */
async function expectFieldError(page: Page, field: string, message: string): Promise<void> {
  const input = page.locator(field);
  await waitFor(`${field} invalid`, async () => (await input.getAttribute("aria-invalid")) === "true", 5_000);
  const errorId = await input.getAttribute("aria-describedby");
  expect(errorId, field).toBeTruthy();
  expect((await page.locator(`#${errorId}`).innerText()).trim()).toBe(message);
}
