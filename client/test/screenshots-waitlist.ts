// The waiting list's pictures (client/test/screenshots.ts runs them: `npx tsx client/test/screenshots.ts
// waitlist`): a sold-out sale, a signed-in fan first on the list, two more fans (API) after them, a
// fourth fan's page with their number, then a refund: the first fan's page with the claim and their turn.
import type { Browser, Page } from "playwright-core";
import { basicAuth, newSession } from "../../server/test/support/fans.js";
import { signUpFan, soldOutSale, stackAdmin } from "./support.js";

const phone = { width: 390, height: 844 };

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: phone,
    deviceScaleFactor: 1,
    colorScheme: "light",
    timezoneId: "Europe/Berlin",
    locale: "en-US",
  });
  return context.newPage();
}

async function joinOnPage(page: Page, url: string, eventId: string, number: number): Promise<void> {
  await page.goto(`${url}/events/${eventId}`);
  const list = page.getByRole("region", { name: "Waiting list" });
  await list.getByRole("button", { name: "Join the waiting list" }).click({ timeout: 15_000 });
  await list.getByText(`You are number ${number} on the waiting list.`).waitFor({ timeout: 10_000 });
}

async function shot(page: Page, path: string, name: string): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: `${path}${name}.png`, fullPage: true, animations: "disabled", caret: "hide" });
  console.log(`  ${name}.png`);
}

export async function waitlistPages(browser: Browser, url: string, outDir: string): Promise<void> {
  const { sale, orderId } = await soldOutSale(url, "Spring Arena Tour — Extra Date", "General Admission", 2_500);
  const first = await phonePage(browser);
  await signUpFan(first, url, "maya@example.com", `/events/${sale.id}`);
  await joinOnPage(first, url, sale.id, 1);
  for (let i = 0; i < 2; i++) {
    const s = await newSession(url);
    const res = await fetch(`${url}/api/events/${sale.id}/waitlist`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${s.fanToken}` },
      body: "{}",
    });
    if (res.status !== 200) throw new Error(`waitlist join answered ${res.status}`);
  }
  const fourth = await phonePage(browser);
  await joinOnPage(fourth, url, sale.id, 4);
  await shot(fourth, outDir, "waitlist-waiting-phone");

  const refund = await fetch(`${url}/api/admin/orders/${orderId}/refund`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
  });
  if (refund.status !== 200) throw new Error(`refund answered ${refund.status}`);
  await first.getByText("A ticket came back for you — claim it now.").waitFor({ timeout: 20_000 });
  await first.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 20_000 });
  await shot(first, outDir, "waitlist-offered-phone");
}
