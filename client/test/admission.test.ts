// Goal: stock-aware admission seen in real pages against a real server and workers. A sale with two
// tickets: fan A (through the API) is admitted and holds both; fan B opens the event page, waits,
// and reads that every ticket left is held and when some may come back; A cancels and B's notice
// goes as B is admitted. An admin opens an automatic event's dashboard and sees the controller
// panel — its rate, its mode and why in plain words, moving with the sale — with no console errors;
// a viewer sees the admission settings as figures only.
// The room is automatic here: a fixed rate admits into a free checkout slot even while every ticket
// is held (the server caps admission by the stock only in automatic mode), so B would not wait.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { admittedFan, hold, type AdmittedFan } from "../../server/test/support/checkout.js";
import { connectFan, type TestFan } from "../../server/test/support/fans.js";
import { adminSignIn, createAdminUser, createSale, fanPage, useSite, type Sale } from "./support.js";

const opened = useSite();

const allHeld = new RegExp(
  "^All remaining tickets are held by fans ahead of you\\. Some may come back by \\d\\d:\\d\\d if they don't pay — keep this page open\\.$",
);

/** An automatic sale on now with two tickets, up to 2 per order, starting at 6,000 fans a minute. */
function tinySale(url: string, name: string): Promise<Sale> {
  return createSale(url, {
    name,
    classes: [{ code: "GA", name: "General admission", priceCents: 4_500, capacity: 2, perOrderMax: 2 }],
    perks: [],
    waitingRoom: { admission: "auto" },
  });
}

/** Fan A: admitted, holding every ticket of the sale. */
async function holdingEverything(
  url: string,
  sale: Sale,
): Promise<{ fan: AdmittedFan; orderId: string; orderToken: string }> {
  const fan = await admittedFan(url, sale.id);
  const held = await hold(url, fan, sale.id, [{ classId: sale.classes[0]!.id, quantity: 2 }]);
  expect(held.status).toBe(201);
  return { fan, orderId: held.body.orderId, orderToken: held.body.orderToken };
}

async function cancelOrder(url: string, orderId: string, orderToken: string): Promise<void> {
  const res = await fetch(`${url}/api/orders/${orderId}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${orderToken}` },
  });
  expect(res.status).toBe(200);
}

/** Console errors and uncaught exceptions of a page, as they happen. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

describe("admission in the browser", () => {
  it("tells a waiting fan every ticket left is held, and lets them in when a hold is cancelled", async () => {
    const { site, browser } = opened();
    const sale = await tinySale(site.url, "Two Tickets Night");
    const a = await holdingEverything(site.url, sale);
    const b = await fanPage(browser);
    const errors = consoleErrors(b.page);
    try {
      await b.page.goto(`${site.url}/events/${sale.id}`);
      const notice = b.page.locator(".all-held");
      await notice.waitFor({ timeout: 15_000 });
      expect((await notice.innerText()).trim()).toMatch(allHeld);
      expect(await b.page.locator(".place-number").innerText()).toBe("You're next"); // in line, first, and still not let in
      expect(await b.page.getByRole("heading", { name: "It's your turn" }).count()).toBe(0);

      await cancelOrder(site.url, a.orderId, a.orderToken);
      await b.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });
      expect(await notice.count()).toBe(0);
      // The tickets are back to pick once the stock push reaches the page (it may follow the admission).
      await b.page.getByLabel("General admission", { exact: false }).first().waitFor({ timeout: 5_000 });
      expect(errors).toEqual([]);
    } finally {
      a.fan.close();
      await b.context.close();
    }
  }, 60_000);

  it("shows the admission controller on an automatic event's dashboard, its reason following the sale", async () => {
    const { site, browser } = opened();
    const sale = await tinySale(site.url, "Controller Night");
    const a = await holdingEverything(site.url, sale);
    const waiting: TestFan = await connectFan(site.url);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      const joined = await waiting.join(sale.id);
      expect(joined.ok && joined.data.state).toBe("waiting");
      await adminSignIn(page, site.url);
      // From the dashboard on: before signing in, the browser logs the sign-in page's 401 from /api/admin/me.
      const errors = consoleErrors(page);
      await page.goto(`${site.url}/admin/events/${sale.id}`);
      const panel = page.locator("section.controller");
      await panel.getByRole("heading", { name: "Admission controller" }).waitFor({ timeout: 10_000 });
      const reason = panel.locator(".controller-reason");
      await reason.getByText("Holding: all tickets left are held", { exact: true }).waitFor({ timeout: 10_000 });
      expect(await panel.locator(".controller-rate").innerText()).toMatch(/^[\d,]+ fans a minute$/);
      expect(await panel.locator(".controller-mode").innerText()).toBe("Automatic · between 60 and 60,000 a minute");
      expect(await panel.locator(".controller-room").innerText()).toBe("The tickets left can serve 0 more fans.");
      expect(await panel.locator(".controller-health dt").allInnerTexts()).toContain("Hold answers (p95)");
      expect(await panel.locator(".admission-chart canvas").count()).toBeGreaterThan(0);

      // A cancels: the waiting fan goes in, nobody is left waiting, and the panel says so.
      await cancelOrder(site.url, a.orderId, a.orderToken);
      await reason.getByText("Nobody waiting", { exact: true }).waitFor({ timeout: 15_000 });
      expect(waiting.admitted.some((x) => x.eventId === sale.id)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      a.fan.close();
      waiting.close();
      await context.close();
    }

    // A viewer sees the settings as figures, and nothing to change them with.
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const viewerPage = await viewer.newPage();
      await adminSignIn(viewerPage, site.url, await createAdminUser(site, "viewer"));
      await viewerPage.goto(`${site.url}/admin/events/${sale.id}`);
      const card = viewerPage.locator("section.admission");
      await card.getByText("How fans are admitted").waitFor({ timeout: 10_000 });
      const facts = await card.locator(".facts > div").allInnerTexts();
      expect(facts.map((f) => f.replace(/\s+/g, " ").trim())).toEqual([
        "How fans are admitted Automatic",
        "Floor (fans a minute) 60",
        "Ceiling (fans a minute) 60,000",
        "Start at (fans a minute) 6,000",
        "Checkout slots 50",
      ]);
      expect(await card.locator("input, button").count()).toBe(0);
    } finally {
      await viewer.close();
    }
  }, 60_000);
});
