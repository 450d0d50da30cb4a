// Goal: the waiting list in a real browser. A sale sells out (a fan buys its one ticket through the
// API and MockPay); a second fan opens the event page, joins the waiting list and sees their number.
// The first order is refunded: the page shows the claim (a ticket came back, with its countdown) and
// the waiting room's turn, and the fan holds the ticket on the normal checkout, landing on MockPay.
// The dashboard counts the list meanwhile.
// Every wait is for what the page shows, never for a time.
import { describe, expect, it } from "vitest";
import { basicAuth } from "../../server/test/support/fans.js";
import { adminSignIn, fanPage, holdTickets, soldOutSale, stackAdmin, useSite } from "./support.js";

const opened = useSite();

describe("the waiting list", () => {
  it("joins the list of a sold-out sale, then claims the ticket that comes back", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const { sale, orderId } = await soldOutSale(url, "Waiting List Night", "General admission", 4_500);

    const fan = await fanPage(browser);
    const errors: string[] = [];
    fan.page.on("pageerror", (e) => errors.push(e.message));
    await fan.page.goto(`${url}/events/${sale.id}`);
    const list = fan.page.getByRole("region", { name: "Waiting list" });
    await list.getByRole("button", { name: "Join the waiting list" }).click({ timeout: 15_000 });
    await list.getByText("You are number 1 on the waiting list.").waitFor({ timeout: 10_000 });

    // The dashboard counts the list.
    const admin = await fanPage(browser, { width: 1280, height: 900 });
    await adminSignIn(admin.page, url);
    await admin.page.goto(`${url}/admin/events/${sale.id}`);
    const panel = admin.page.getByRole("region", { name: "Waiting list" });
    await panel.getByText("1 waiting on the list · 0 claims open").waitFor({ timeout: 15_000 });
    await admin.context.close();

    const refund = await fetch(`${url}/api/admin/orders/${orderId}/refund`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: basicAuth(stackAdmin.username, stackAdmin.password),
      },
    });
    expect(refund.status).toBe(200);
    await list.getByText("A ticket came back for you — claim it now.").waitFor({ timeout: 20_000 });
    await list.getByText("Your claim ends in").waitFor();
    await holdTickets(fan.page, "General admission", 1);
    expect(errors).toEqual([]);
    await fan.context.close();
  }, 90_000);
});
