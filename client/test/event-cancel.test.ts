// Goal: an admin cancels an event from its dashboard (Cancel the event, then Yes) with one paid
// order: the dashboard shows the refunds running and then done, 1 of 1, and the fan's order page
// shows the order refunded.
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, getOrder, hold, orderReaches } from "../../server/test/support/checkout.js";
import { adminSignIn, createSale, useSite } from "./support.js";

const opened = useSite();

describe("cancelling an event from its dashboard", () => {
  it("refunds the paid order and shows the progress until done", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Called off" });
    const ga = sale.classes.find((c) => c.code === "GA")!;
    const fan = await admittedFan(url, sale.id);
    const held = await hold(url, fan, sale.id, [{ classId: ga.id, quantity: 2 }]);
    fan.close();
    expect(held.status).toBe(201);
    await completePayment(url, held.body.paymentUrl, "succeeded");
    await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");

    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await admin.newPage();
      await adminSignIn(page, url);
      await page.goto(`${url}/admin/events/${sale.id}`);
      await page.getByRole("button", { name: "Cancel the event" }).click();
      await page.getByRole("button", { name: "Yes, cancel the event" }).click();
      await page.getByRole("heading", { name: "Cancelled: refunds" }).waitFor({ timeout: 15_000 });
      await page.getByText("Done: 1 of 1 paid orders refunded.").waitFor({ timeout: 30_000 });
      expect(await page.getByRole("button", { name: "Cancel the event" }).count()).toBe(0);
    } finally {
      await admin.close();
    }

    const order = await getOrder(url, held.body.orderId, held.body.orderToken);
    expect(order.status).toBe("refunded");
    const fanView = await browser.newContext();
    try {
      const page = await fanView.newPage();
      await page.goto(`${url}/orders/${held.body.orderId}#token=${held.body.orderToken}`);
      await page
        .getByText(/refunded/i)
        .first()
        .waitFor({ timeout: 15_000 });
      // The page says why: the event is called off, the payment refunded in full.
      await page.getByText(/is cancelled\. Your payment was refunded in full\./).waitFor({ timeout: 10_000 });
    } finally {
      await fanView.close();
    }
  }, 120_000);
});
