// Goal: at the door, the check-in page admits a ticket on its first scan (green, with the tier),
// answers the second scan of the same code amber with the first scan's time, and a made-up code
// red — through the real endpoint, with a scanner signed in through the form, who lands on the
// check-in page whatever admin page they opened.
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/src/testing/checkout.js";
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
});
