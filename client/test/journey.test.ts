// Goal: one fan's whole journey on a phone-sized page — event page, admitted, pick a tier, hold,
// MockPay's page, Pay, back on the order page: "confirming your payment" while the webhook is on
// its way (MockPay delays it here), then paid by itself, a QR code per ticket (an image of its
// SVG), the PNG download answering a PNG, the perk badge; the order page found again from this tab
// without the token in the link.
import { describe, expect, it } from "vitest";
import { createSale, fanPage, holdTickets, qrDrawing, shownQrSvgs, useSite, payOnMockPay } from "./support.js";

// The webhook lands 1.5 s after the payment, so the order page has to wait for it in view.
const opened = useSite({ MOCKPAY_DELAY_MS: "1500" });

describe("a fan's journey to a QR ticket", () => {
  it("ends on a paid order with QR code images, a PNG download and the perk", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url);
    const { context, page } = await fanPage(browser);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${site.url}/events/${sale.id}`);
    await page.getByRole("heading", { name: "Browser Test Night" }).waitFor();
    await holdTickets(page, "VIP", 2);
    expect(await page.getByText("$240.00").first().isVisible()).toBe(true); // MockPay shows the amount

    await payOnMockPay(page);
    const url = new URL(page.url());
    expect(url.searchParams.get("outcome")).toBe("succeeded");
    expect(new URLSearchParams(url.hash.slice(1)).get("token")).toBeTruthy(); // in the fragment: never sent to a server
    await page.getByRole("heading", { name: "Confirming your payment…" }).waitFor({ timeout: 5_000 });
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });

    const svgs = await shownQrSvgs(page, 2);
    for (const svg of svgs) expect(svg).toMatch(qrDrawing);
    expect(svgs[0]).not.toBe(svgs[1]); // one code per ticket
    const first = page.getByRole("img", { name: /QR code of ticket 1 of 2, VIP/ });
    expect(await first.count()).toBe(1);
    expect(await first.isVisible()).toBe(true);
    expect(await first.evaluate((img) => img.getBoundingClientRect().width)).toBeGreaterThanOrEqual(200); // big enough to scan

    const png = await page.getByRole("link", { name: "Download PNG" }).first().getAttribute("href");
    expect(png).toMatch(/\/qr\.png\?token=/);
    const answer = await page.request.get(`${site.url}${png}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-type"]).toBe("image/png");
    expect([...(await answer.body()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    expect(await page.locator(".perk-badge").innerText()).toContain("Tour poster");

    // The same tab finds the order again without the token in the link (sessionStorage).
    await page.goto(`${site.url}${url.pathname}`);
    await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
