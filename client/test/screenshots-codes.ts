// Screenshots of presale and promo codes (client/test/screenshots.ts takes them): the dashboard's
// "Presale and codes" panel with a presale on, a batch of presale codes (one used) and a promo
// code, and a fan's hold form asking for the presale code.
import type { Browser } from "playwright-core";
import { admittedFan, completePayment } from "../../server/test/support/checkout.js";
import { basicAuth } from "../../server/test/support/fans.js";
import { adminSignIn, createSale, stackAdmin } from "./support.js";

async function asAdmin(url: string, method: string, path: string, body: unknown): Promise<{ batchId?: string }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
  return (await res.json()) as { batchId?: string };
}

export async function codesPages(browser: Browser, url: string, outDir: string): Promise<void> {
  const sale = await createSale(url, { name: "Harbour Lights — Fan Club Presale", admitPerMinute: 60_000 });
  const base = `/api/admin/events/${sale.id}`;
  await asAdmin(url, "PUT", `${base}/presale`, { endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  await asAdmin(url, "POST", `${base}/codes`, { kind: "presale", count: 4, prefix: "FANCLUB" });
  const vip = sale.classes.find((c) => c.code === "VIP")!.id;
  await asAdmin(url, "POST", `${base}/codes`, { kind: "promo", percentOff: 20, tierId: vip, uses: 250, prefix: "VIP" });
  const list = (await (
    await fetch(`${url}${base}/codes`, {
      headers: { authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    })
  ).json()) as { codes: Array<{ code: string }> };
  const fan = await admittedFan(url, sale.id);
  const held = await fetch(`${url}/api/events/${sale.id}/holds`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}` },
    body: JSON.stringify({
      admissionToken: fan.admissionToken,
      items: [{ classId: vip, quantity: 2 }],
      email: "ana@example.com",
      code: list.codes[0]!.code,
    }),
  });
  const { paymentUrl } = (await held.json()) as { paymentUrl: string };
  await completePayment(url, paymentUrl, "succeeded");
  fan.close();

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await adminSignIn(page, url);
  await page.goto(`${url}/admin/events/${sale.id}`);
  const panel = page.getByRole("region", { name: "Presale and codes" });
  await panel.getByRole("row", { name: new RegExp(`${list.codes[0]!.code} .* 1 0$`) }).waitFor({ timeout: 15_000 });
  await page.mouse.move(0, 0);
  await panel.screenshot({ path: `${outDir}codes-panel.png`, animations: "disabled", caret: "hide" });
  console.log("  codes-panel.png");
  await page.context().close();

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await phone.goto(`${url}/events/${sale.id}`);
  await phone.getByLabel("Presale code").waitFor({ timeout: 20_000 });
  await phone.getByLabel("General admission", { exact: false }).first().selectOption("2");
  await phone.getByLabel("Email for your tickets").fill("sam@example.com");
  await phone.getByLabel("Presale code").fill("fanclub-");
  const form = phone.locator("form.hold-form");
  await form.screenshot({ path: `${outDir}codes-hold-phone.png`, animations: "disabled", caret: "hide" });
  console.log("  codes-hold-phone.png");
  await phone.context().close();
}
