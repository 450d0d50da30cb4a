// Goal: the bot defence's browser check in a real page against a real server. With the event's
// challenge asked of every join, the event page shows "Checking your browser…" with a progress bar,
// solves the challenge in a Web Worker (the built bundle's), joins again with the solution and
// shows the fan's place in line. The challenge's fetch is held until the step has been seen, so
// no timing decides what the test sees.
import { describe, expect, it } from "vitest";
import { basicAuth, newSession, waitFor } from "../../server/test/support/fans.js";
import { createSale, fanPage, stackAdmin, useSite } from "./support.js";

const opened = useSite();

async function setBotDefence(url: string, eventId: string, mode: string): Promise<void> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/bot-defence`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify({ mode, difficulty: 20_000, subnetJoinsPerMinute: 300, eventJoinsPerMinute: 50_000 }),
  });
  expect(res.status).toBe(200);
}

describe("the browser check at the join", () => {
  it("shows the checking step with progress, then the fan's place in line", async () => {
    const { site, browser } = opened();
    const sale = await createSale(site.url, { maxActiveCheckouts: 1 });
    // A fan ahead takes the one checkout slot before the check is switched on, so ours waits in line.
    const ahead = await newSession(site.url);
    const first = await fetch(`${site.url}/api/events/${sale.id}/queue`, {
      method: "POST",
      headers: { authorization: `Bearer ${ahead.fanToken}` },
    });
    expect(first.status).toBe(200);
    // Admitted (the room's next tick), so nobody is ahead of ours in line.
    await waitFor("the fan ahead admitted", async () => {
      const res = await fetch(`${site.url}/api/events/${sale.id}/queue`, {
        headers: { authorization: `Bearer ${ahead.fanToken}` },
      });
      return ((await res.json()) as { entry?: { state?: string } }).entry?.state === "admitted";
    });
    await setBotDefence(site.url, sale.id, "always");

    const { context, page } = await fanPage(browser);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let fetched = 0;
    await page.route("**/api/events/*/challenge", async (route) => {
      fetched += 1;
      await held;
      await route.continue();
    });
    await page.goto(`${site.url}/events/${sale.id}`);
    const step = page.getByTestId("browser-check");
    await step.getByRole("status").getByText("Checking your browser…").waitFor({ timeout: 15_000 });
    expect(await step.getByRole("progressbar", { name: "Checking your browser" }).count()).toBe(1);
    expect(await page.locator(".place-number").count()).toBe(0);
    release();

    await page.locator(".place-number").waitFor({ timeout: 30_000 });
    expect(await page.locator(".place-number").innerText()).toBe("You're next");
    expect(await page.locator(".ticket-number").innerText()).toMatch(/^Ticket #2 /);
    expect(await step.count()).toBe(0);
    expect(fetched).toBe(1);
    await context.close();
  }, 60_000);
});
