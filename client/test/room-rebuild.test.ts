// Goal: fans in real pages keep their place when the server's Redis loses everything mid-sale.
// One checkout slot: the first fan has their turn, two fans wait (#2 and #3). Redis is flushed.
// Without reloading, the pages notice the rebuilt room, join again with their tokens and say so:
// the first fan keeps the turn, the others keep their numbers. The first fan then buys with the
// admission from before the flush, and the slot passes to #2 — not to #3, not to a newcomer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { Redis } from "ioredis";
import { startRedisServer, type SpareRedis } from "../../server/test/support/redis-server.js";
import { closedPort } from "../../server/test/support/services.js";
import { createSale, fanPage, holdTickets, openSite, payOnMockPay, type Site } from "./support.js";

let redisPort = 0;
let redis: SpareRedis | undefined;
let opened: { site: Site; browser: Browser } | undefined;

beforeAll(async () => {
  redisPort = await closedPort();
  redis = await startRedisServer(redisPort);
  opened = await openSite({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
}, 60_000);
afterAll(async () => {
  await opened?.browser.close();
  await opened?.site.stack.close();
  await redis?.kill();
});

async function flushAll(): Promise<void> {
  const client = new Redis(redisPort, "127.0.0.1", { lazyConnect: true });
  await client.connect();
  await client.flushall();
  client.disconnect();
}

describe("a waiting room rebuilt after Redis lost its data", () => {
  it("keeps each fan's turn or place, says so, and lets the next fan in when the first has paid", async () => {
    if (!opened) throw new Error("setup failed");
    const { site, browser } = opened;
    const sale = await createSale(site.url, { maxActiveCheckouts: 1 });
    const eventUrl = `${site.url}/events/${sale.id}`;
    const [first, second, third] = [await fanPage(browser), await fanPage(browser), await fanPage(browser)];
    await first.page.goto(eventUrl);
    await first.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });
    for (const fan of [second, third]) {
      await fan.page.goto(eventUrl);
      await fan.page.locator(".place-number").waitFor({ timeout: 15_000 });
    }
    expect(await second.page.locator(".ticket-number").innerText()).toMatch(/^Ticket #2 /);

    await flushAll();

    await first.page
      .getByText("The waiting room was restarted. You kept your turn to buy.")
      .waitFor({ timeout: 20_000 });
    await second.page
      .getByText("The waiting room was restarted. You kept your place in line.")
      .waitFor({ timeout: 20_000 });
    await third.page
      .getByText("The waiting room was restarted. You kept your place in line.")
      .waitFor({ timeout: 20_000 });
    expect(await second.page.locator(".ticket-number").innerText()).toMatch(/^Ticket #2 /);
    expect(await third.page.locator(".ticket-number").innerText()).toMatch(/^Ticket #3 /);
    expect(await second.page.locator(".place-number").innerText()).toBe("You're next");
    await second.page.getByRole("button", { name: "OK" }).click();
    expect(await second.page.getByText("The waiting room was restarted.").count()).toBe(0);

    // The first fan buys with the admission from before the flush; then #2 has the turn.
    await holdTickets(first.page, "VIP", 1, "first@example.test");
    await payOnMockPay(first.page);
    await first.page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
    await second.page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 15_000 });
    expect(await third.page.getByRole("heading", { name: "It's your turn" }).count()).toBe(0);
    for (const fan of [first, second, third]) await fan.context.close();
  }, 90_000);
});
