// Goal: a presale in a real browser. The admin sets the presale's end and makes a presale code on
// the dashboard's "Presale and codes" panel; a fan on the event page is told of the presale before
// their turn, asked for the code when admitted (the form refuses to send without one), told a wrong
// code is unknown, and with the code — typed in lower case — holds, pays on MockPay and sees the
// code on the order page. The panel then counts the code used. Control: an unknown code is refused
// by the server, not only the form.
import { describe, expect, it } from "vitest";
import { basicAuth } from "../../server/test/support/fans.js";
import { adminSignIn, createSale, fanPage, payOnMockPay, stackAdmin, useSite } from "./support.js";

const opened = useSite();

describe("a presale", () => {
  it("is set up on the dashboard, and lets a fan with its code buy", async () => {
    const { site, browser } = opened();
    const url = site.url;
    const sale = await createSale(url, { name: "Presale Night", admitPerMinute: 60_000 });

    const admin = await fanPage(browser, { width: 1280, height: 1000 });
    const errors: string[] = [];
    admin.page.on("pageerror", (e) => errors.push(e.message));
    await adminSignIn(admin.page, url);
    await admin.page.goto(`${url}/admin/events/${sale.id}`);
    const panel = admin.page.getByRole("region", { name: "Presale and codes" });
    // The panel has read the presale (its label says "no presale" too, before that).
    await panel.getByText("No presale: anyone admitted can buy").waitFor({ timeout: 10_000 });
    const tomorrow = new Date(Date.now() + 86_400_000);
    const two = (n: number) => String(n).padStart(2, "0");
    const local = `${tomorrow.getFullYear()}-${two(tomorrow.getMonth() + 1)}-${two(tomorrow.getDate())}T18:00`;
    await panel.getByLabel(/Presale ends/).fill(local);
    // An edit pushed to the dashboard replaces its event: the panel keeps what the admin typed.
    const renamed = await fetch(`${url}/api/admin/events/${sale.id}`, {
      method: "PATCH",
      headers: {
        "content-type": "application/json",
        authorization: basicAuth(stackAdmin.username, stackAdmin.password),
      },
      body: JSON.stringify({ name: "Presale Night (fan club)" }),
    });
    expect(renamed.status).toBe(200);
    await admin.page.getByRole("heading", { name: "Presale Night (fan club)", level: 1 }).waitFor({ timeout: 10_000 });
    expect(await panel.getByLabel(/Presale ends/).inputValue()).toBe(local);
    await panel.getByRole("button", { name: "Save presale" }).click();
    await panel.getByText("Presale on: fans need a presale code to buy.").waitFor({ timeout: 10_000 });
    await panel.getByLabel("How many codes").fill("1");
    await panel.getByLabel("Prefix (optional)").fill("fans");
    await panel.getByRole("button", { name: "Make codes" }).click();
    await panel.getByText("Made 1 presale code.").waitFor({ timeout: 10_000 });
    const code = (await panel.locator("tbody th code").first().textContent())!.trim();
    expect(code).toMatch(/^FANS[2-9A-Z]{10}$/);

    const fan = await fanPage(browser);
    fan.page.on("pageerror", (e) => errors.push(e.message));
    await fan.page.goto(`${url}/events/${sale.id}`);
    await fan.page.getByText(/^Presale: until .* only fans with a presale code can buy/).waitFor({ timeout: 10_000 });
    await fan.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 20_000 });
    await fan.page.getByLabel("General admission", { exact: false }).first().selectOption("1");
    await fan.page.getByLabel("Email for your tickets").fill("presale@example.test");
    const codeField = fan.page.getByLabel("Presale code");
    await codeField.waitFor();
    const hold = fan.page.getByRole("button", { name: "Hold tickets" });
    await hold.click();
    await fan.page.getByText("The presale is on: enter the presale code you were sent").first().waitFor();

    await codeField.fill("WRONG23456");
    const refused = fan.page.waitForResponse((r) => r.url().endsWith(`/api/events/${sale.id}/holds`));
    await hold.click();
    expect((await refused).status()).toBe(409);
    await fan.page.getByText("We don't know that code.").waitFor({ timeout: 10_000 });

    await codeField.fill(`${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase());
    await hold.click();
    await fan.page.waitForURL(/\/mockpay\/checkout\//, { timeout: 15_000 });
    await payOnMockPay(fan.page);
    await fan.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    await fan.page.getByText(`Placed with code ${code}.`).waitFor();

    await admin.page.reload();
    const row = admin.page
      .getByRole("region", { name: "Presale and codes" })
      .getByRole("row", { name: new RegExp(code) });
    await row.waitFor({ timeout: 10_000 });
    expect((await row.getByRole("cell").allTextContents()).slice(-3)).toEqual(["1", "1", "0"]);
    expect(errors).toEqual([]);
    await admin.context.close();
    await fan.context.close();
  }, 120_000);
});
