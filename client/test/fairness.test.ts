// Goal: the fairness audit as people see it — the admin opens it from the event's dashboard and
// reads the figures (no inversions, one of two admitted fans bought) with a Download JSON link,
// and the public transparency board shows the same figures beside the way the order was set.
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { adminSignIn, createSale, useSite } from "./support.js";

const opened = useSite();

describe("the fairness audit pages", () => {
  it("shows the figures on the admin page and on the board", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Audit night" });
    const ga = sale.classes.find((c) => c.code === "GA")!;
    const buyer = await admittedFan(url, sale.id);
    const browsing = await admittedFan(url, sale.id);
    try {
      const placed = await hold(url, buyer, sale.id, [{ classId: ga.id, quantity: 2 }]);
      expect(placed.status).toBe(201);
      expect((await completePayment(url, placed.body.paymentUrl, "succeeded")).status).toBe(200);
      await orderReaches(url, placed.body.orderId, placed.body.orderToken, "paid");
    } finally {
      buyer.close();
      browsing.close();
    }

    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await adminSignIn(page, url);
    await page.goto(`${url}/admin/events/${sale.id}`);
    await page.getByRole("link", { name: "Fairness audit" }).click();
    await page.getByRole("heading", { name: "Fairness audit", level: 1 }).waitFor();
    const figure = (label: string) => page.locator(".fairness-figures div", { hasText: label }).locator("dd").first();
    await figure("Admitted out of order").getByText("0", { exact: true }).waitFor({ timeout: 10_000 });
    await figure("Admitted fans who bought").getByText("50%").waitFor();
    await page.getByText("2 fans joined, 2 admitted").waitFor();
    const download = page.getByRole("link", { name: "Download JSON" });
    expect(await download.getAttribute("href")).toBe(`/api/admin/events/${sale.id}/fairness?download=1`);
    await page.getByRole("img", { name: "Tickets sold by queue-position decile" }).waitFor();
    await page.getByRole("img", { name: "Queue number against admission time" }).waitFor();

    const board = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const boardPage = await board.newPage();
    boardPage.on("pageerror", (e) => errors.push(e.message));
    await boardPage.goto(`${url}/events/${sale.id}/board`);
    await boardPage.getByRole("heading", { name: "Fairness", exact: true }).waitFor({ timeout: 10_000 });
    const boardFigure = (label: string) =>
      boardPage.locator(".fairness-figures div", { hasText: label }).locator("dd").first();
    await boardFigure("Admitted fans who bought").getByText("50%").waitFor();
    await boardFigure("Admitted out of order").getByText("0", { exact: true }).waitFor();
    await boardPage.getByRole("link", { name: "How the order was set" }).waitFor();
    expect(errors).toEqual([]);
    await admin.close();
    await board.close();
  });
});
