// Goal: a fan's own refund in a real browser. The admin sets the event's refund window on the
// dashboard; a fan pays for an order (through the API and MockPay, as the other tests do) and
// opens its private link: the page offers "Request a refund" with the window's end, asks to
// confirm, and then shows the order refunded. Control: before the window is set, the same page
// offers no refund.
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { adminSignIn, createSale, fanPage, useSite } from "./support.js";

const opened = useSite();

describe("a fan's refund", () => {
  it("is offered on the order page once the dashboard opens a window, and refunds the order", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Refund Window Night" });
    const fan = await admittedFan(url, sale.id);
    const held = await hold(url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 1 }]);
    fan.close();
    await completePayment(url, held.body.paymentUrl, "succeeded");
    await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
    const orderUrl = `${url}/orders/${held.body.orderId}#token=${encodeURIComponent(held.body.orderToken)}`;

    const buyer = await fanPage(browser);
    const errors: string[] = [];
    buyer.page.on("pageerror", (e) => errors.push(e.message));
    // The page has read whether a refund is possible (its answer, not a wait) before the control looks.
    const refundRead = buyer.page.waitForResponse((r) => r.url().endsWith(`/api/orders/${held.body.orderId}/refund`));
    await buyer.page.goto(orderUrl);
    await buyer.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    expect(await (await refundRead).json()).toMatchObject({ refundable: false, reason: "no_fan_refunds" });
    expect(await buyer.page.getByRole("button", { name: "Request a refund" }).count()).toBe(0);

    const admin = await fanPage(browser, { width: 1280, height: 900 });
    await adminSignIn(admin.page, url);
    await admin.page.goto(`${url}/admin/events/${sale.id}`);
    const panel = admin.page.getByRole("region", { name: "Fan refunds" });
    await panel.getByText("Fans cannot ask for refunds").waitFor({ timeout: 10_000 });
    await panel.getByLabel(/Refund window/).fill("48");
    await panel.getByRole("button", { name: "Update refund window" }).click();
    await panel.getByText(/Updated: order pages offer refunds/).waitFor({ timeout: 10_000 });
    await admin.context.close();

    await buyer.page.reload();
    await buyer.page.getByRole("button", { name: "Request a refund" }).click({ timeout: 15_000 });
    await buyer.page.getByText(/Refunds are open until/).waitFor();
    await buyer.page.getByRole("button", { name: "Yes, refund it" }).click();
    await buyer.page.getByText(/This order was refunded/).waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await buyer.context.close();
  }, 90_000);
});
