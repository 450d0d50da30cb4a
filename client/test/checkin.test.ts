// Goal: at the door, the check-in page admits a ticket on its first scan (green, with the tier),
// answers the second scan of the same code amber with the first scan's time, and a made-up code
// red — through the real endpoint, with a scanner signed in through the form, who lands on the
// check-in page whatever admin page they opened. The short code a fan's order page shows big
// under the QR, on a phone, is what the steward types — any case, no dash — and it admits them;
// a door set up for another event turns the ticket away.
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { adminSignIn, createAdminUser, createSale, useSite } from "./support.js";

const opened = useSite();

/** When the order's first ticket was checked in, as the order API says. */
async function checkedInAt(url: string, orderId: string, orderToken: string): Promise<string> {
  const res = await fetch(`${url}/api/orders/${orderId}`, { headers: { authorization: `Bearer ${orderToken}` } });
  const order = (await res.json()) as { tickets: Array<{ checkedInAt: string | null }> };
  const at = order.tickets[0]?.checkedInAt;
  if (!at) throw new Error("the ticket has no check-in time");
  return at;
}

/** The time of day the page shows: 24-hour, to the second, in the browser's (this machine's) zone. */
function clockTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

describe("check-in at the door", () => {
  it("admits the first scan and flags the second with the first time", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Door Night" });
    const fan = await admittedFan(url, sale.id);
    const held = await hold(url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 1 }]);
    fan.close();
    await completePayment(url, held.body.paymentUrl, "succeeded");
    const order = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
    const code = order.tickets[0]!.code;

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await adminSignIn(page, url, await createAdminUser(site, "scanner"));
    await page.waitForURL(`${url}/admin/checkin`); // the scanner lands here from /admin
    expect(await page.getByRole("link", { name: "Events" }).count()).toBe(0);

    const field = page.getByLabel("Ticket code");
    const verdict = page.locator(".scan-result .verdict");
    await field.fill(code);
    await page.getByRole("button", { name: "Check" }).click();
    await verdict.getByText("Admitted — VIP").waitFor({ timeout: 5_000 });
    expect(await verdict.getAttribute("class")).toContain("verdict-admitted");
    expect(await field.inputValue()).toBe(""); // ready for the next code

    const firstScanAt = await checkedInAt(url, held.body.orderId, held.body.orderToken);
    await field.fill(code);
    await field.press("Enter");
    await verdict.getByText(`Already checked in at ${clockTime(firstScanAt)}`).waitFor({ timeout: 5_000 });
    expect(await verdict.getAttribute("class")).toContain("verdict-already");

    await field.fill("not-a-ticket");
    await field.press("Enter");
    await verdict.getByText("Not a valid ticket").waitFor({ timeout: 5_000 });
    expect(await verdict.getAttribute("class")).toContain("verdict-invalid");
    expect(await page.locator(".scan-history li").count()).toBe(2);
    await context.close();
  }, 60_000);

  it("admits the short code shown under the QR on the fan's order page, typed as a steward types it", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Typed Codes Night" });
    const otherSale = await createSale(url, { name: "Another Night" });
    const fan = await admittedFan(url, sale.id);
    const held = await hold(url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 2 }]);
    fan.close();
    await completePayment(url, held.body.paymentUrl, "succeeded");
    const order = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");

    // The fan's phone: each ticket's short code, big and whole under its QR; the long signed code is not offered for typing.
    const fanContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const fanPage = await fanContext.newPage();
    await fanPage.goto(`${url}/orders/${order.orderId}?token=${encodeURIComponent(held.body.orderToken)}`);
    const shown = fanPage.locator(".ticket .short-code-value");
    await shown.first().waitFor({ timeout: 10_000 });
    expect(await shown.allTextContents()).toEqual(order.tickets.map((t) => t.shortCode));
    // Measured in one pass inside the page, so a re-render between finding a node and measuring it cannot
    // leave a detached node (Playwright's boundingBox() answers null for those).
    const layout = await fanPage.evaluate(() => {
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const codes = Array.from(document.querySelectorAll(".ticket .short-code-value")).map((el) => ({
        ...rect(el),
        fontSize: getComputedStyle(el).fontSize,
      }));
      return { codes, qr: rect(document.querySelector(".ticket .qr")!) };
    });
    expect(layout.codes).toHaveLength(order.tickets.length);
    for (const code of layout.codes) {
      expect(code.x).toBeGreaterThanOrEqual(0);
      expect(code.x + code.width).toBeLessThanOrEqual(390);
      expect(Number.parseFloat(code.fontSize)).toBeGreaterThanOrEqual(24);
    }
    expect(layout.codes[0]!.y).toBeGreaterThanOrEqual(layout.qr.y + layout.qr.height); // right under the QR
    const pageText = await fanPage.locator("main").innerText();
    expect(pageText).not.toContain(order.tickets[0]!.code);
    const typed = [(await shown.nth(0).textContent())!, (await shown.nth(1).textContent())!];
    await fanContext.close();

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await adminSignIn(page, url, await createAdminUser(site, "scanner"));
    await page.waitForURL(`${url}/admin/checkin`);
    const field = page.getByLabel("Ticket code");
    const verdict = page.locator(".scan-result .verdict");
    await field.fill(typed[0]!.replace("-", "").toLowerCase());
    await field.press("Enter");
    await verdict.getByText("Admitted — VIP").waitFor({ timeout: 5_000 });
    await field.fill(typed[0]!);
    await field.press("Enter");
    await verdict.getByText("Already checked in at").waitFor({ timeout: 5_000 });

    // A door set up for another event turns the second ticket away, without checking it in.
    await page.goto(`${url}/admin/checkin?event=${otherSale.id}`);
    await field.fill(typed[1]!);
    await field.press("Enter");
    await verdict.getByText("Ticket for another event").waitFor({ timeout: 5_000 });
    expect(await verdict.getAttribute("class")).toContain("verdict-invalid");
    const after = (await (
      await fetch(`${url}/api/orders/${order.orderId}`, {
        headers: { authorization: `Bearer ${held.body.orderToken}` },
      })
    ).json()) as { tickets: Array<{ checkedInAt: string | null }> };
    expect(after.tickets.map((t) => t.checkedInAt !== null)).toEqual([true, false]);
    await context.close();
  }, 90_000);
});
