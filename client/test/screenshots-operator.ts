// Screenshots of the operator's sale (client/test/screenshots.ts takes them): the fairness audit of a
// small sale, the dashboard's event editor, a fan's order page inside the refund window, and the
// dashboard after the event was cancelled, its paid orders refunded.
import type { Browser, Page } from "playwright-core";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { basicAuth } from "../../server/test/support/fans.js";
import { adminSignIn, createSale, stackAdmin } from "./support.js";

const admin = basicAuth(stackAdmin.username, stackAdmin.password);

async function desktop(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: "Europe/Berlin" });
  return context.newPage();
}

/** Twelve fans through the line, one at a time in queue order; every other one buys two GA tickets. */
async function smallSale(url: string) {
  const sale = await createSale(url, { name: "Harbour Lights — Second Night" });
  const ga = sale.classes.find((c) => c.code === "GA")!.id;
  const paid: Array<{ orderId: string; orderToken: string }> = [];
  for (let i = 0; i < 12; i++) {
    const fan = await admittedFan(url, sale.id);
    if (i % 2 === 0) {
      const held = await hold(url, fan, sale.id, [{ classId: ga, quantity: 2 }]);
      await completePayment(url, held.body.paymentUrl, "succeeded");
      paid.push(await orderReaches(url, held.body.orderId, held.body.orderToken, "paid").then(() => held.body));
    }
    fan.close();
  }
  return { sale, paid };
}

/** A dashboard panel (a section or a form) named by its heading. */
async function panelShot(page: Page, heading: string, file: string, outDir: string): Promise<void> {
  const named = { has: page.getByRole("heading", { name: heading, level: 2 }) };
  const panel = page.locator("section", named).or(page.locator("form", named)).first();
  await page.mouse.move(0, 0);
  await panel.screenshot({ path: `${outDir}${file}.png`, animations: "disabled", caret: "hide" });
  console.log(`  ${file}.png`);
}

export async function operatorPages(browser: Browser, url: string, outDir: string): Promise<void> {
  const { sale, paid } = await smallSale(url);
  const page = await desktop(browser);
  await adminSignIn(page, url);
  await page.goto(`${url}/admin/events/${sale.id}/fairness`);
  await page.getByRole("img", { name: "Tickets sold by queue-position decile" }).waitFor({ timeout: 15_000 });
  await page.getByText("12 fans joined, 12 admitted").waitFor({ timeout: 15_000 });
  await page.screenshot({ path: `${outDir}fairness-admin-desktop.png`, fullPage: true, animations: "disabled" });
  console.log("  fairness-admin-desktop.png");

  await page.goto(`${url}/admin/events/${sale.id}`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByRole("heading", { name: "Edit event", level: 2 }).waitFor();
  await panelShot(page, "Edit event", "event-edit-desktop", outDir);

  const policy = await fetch(`${url}/api/admin/events/${sale.id}/refund-policy`, {
    method: "PUT",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify({ refundWindowHours: 48 }),
  });
  if (policy.status !== 200) throw new Error(`refund policy answered ${policy.status}`);
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const order = paid[0]!;
  await phone.goto(`${url}/orders/${order.orderId}#token=${encodeURIComponent(order.orderToken)}`);
  await phone.getByRole("button", { name: "Request a refund" }).waitFor({ timeout: 15_000 });
  await phone.screenshot({ path: `${outDir}fan-refund-phone.png`, fullPage: true, animations: "disabled" });
  console.log("  fan-refund-phone.png");
  await phone.context().close();

  await page.reload();
  await page.getByRole("button", { name: "Cancel the event" }).click();
  await page.getByRole("button", { name: "Yes, cancel the event" }).click();
  await page.getByText(`Done: ${paid.length} of ${paid.length} paid orders refunded`).waitFor({ timeout: 30_000 });
  await panelShot(page, "Cancelled: refunds", "event-cancelled-desktop", outDir);
  await page.context().close();
}
