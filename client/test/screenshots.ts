// Screenshots of the main pages at phone (390×844) and desktop (1280×800) sizes, into
// docs/screenshots/. Starts its own Stampede (own database and Redis prefix, like the browser
// tests), stages a sale with fans made through the API, and photographs real pages.
//   npm run build -w client && npx tsx client/test/screenshots.ts
//   npx tsx client/test/screenshots.ts bench     only the benchmarks page (bench/results as recorded)
//   npx tsx client/test/screenshots.ts admission only the dashboard's admission controller panel
//   npx tsx client/test/screenshots.ts resale    only the fan accounts and resale pages
//   npx tsx client/test/screenshots.ts challenge only the bot defence's browser check and its panel
//   npx tsx client/test/screenshots.ts waitlist  only the waiting list after a sell-out
//   npx tsx client/test/screenshots.ts codes     only presale and promo codes
//   npx tsx client/test/screenshots.ts operator  only the fairness audit, editing, a fan's refund, cancelling
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { admittedFan, completePayment, hold, type AdmittedFan } from "../../server/test/support/checkout.js";
import { basicAuth, connectFan, type TestFan } from "../../server/test/support/fans.js";
import {
  adminSignIn,
  createSale,
  holdTickets,
  openSite,
  payOnMockPay,
  setResale,
  shownQrSvgs,
  signUpFan,
  stackAdmin,
  type Sale,
} from "./support.js";
import { waitlistPages } from "./screenshots-waitlist.js";
import { codesPages } from "./screenshots-codes.js";
import { operatorPages } from "./screenshots-operator.js";

const outDir = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };
type Size = "phone" | "desktop";
const sizes: Record<Size, typeof phone> = { phone, desktop };

const demoTiers = [
  { code: "VIP", name: "VIP", priceCents: 12_000, capacity: 100, perOrderMax: 4 },
  { code: "FRONT", name: "Front Row", priceCents: 6_500, capacity: 300, perOrderMax: 4 },
  { code: "GA", name: "General Admission", priceCents: 2_500, capacity: 1_500, perOrderMax: 6 },
];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Full pages are cut at this height: a long orders table would make a huge file. */
const fullPageHeightMax = 1_900;

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  const height = fullPage
    ? Math.min(fullPageHeightMax, await page.evaluate(() => document.documentElement.scrollHeight))
    : undefined;
  const clip =
    height === undefined ? undefined : { x: 0, y: 0, width: page.viewportSize()?.width ?? desktop.width, height };
  await page.screenshot({ path: `${outDir}${name}.png`, fullPage, clip, animations: "disabled", caret: "hide" });
  console.log(`  ${name}.png`);
}

async function newPage(browser: Browser, size: Size): Promise<Page> {
  const context = await browser.newContext({
    viewport: sizes[size],
    deviceScaleFactor: 1,
    colorScheme: "light",
    timezoneId: "Europe/Berlin",
    locale: "en-US",
  });
  return context.newPage();
}

/** A flash sale in miniature: fans join, wait for a slot, hold 1–3 tickets, most pay, a few are declined. */
async function simulateSale(url: string, sale: Sale, fans: number): Promise<void> {
  const runs: Promise<void>[] = [];
  for (let i = 0; i < fans; i += 1) {
    runs.push(
      (async () => {
        let fan: AdmittedFan | null = null;
        let paid = false;
        try {
          fan = await admittedFan(url, sale.id);
          const tier = sale.classes[i % sale.classes.length]!;
          const held = await hold(url, fan, sale.id, [{ classId: tier.id, quantity: 1 + (i % 3) }]);
          if (held.status !== 201) return;
          await sleep(400 + ((i * 137) % 900));
          paid = i % 9 !== 4;
          await completePayment(url, held.body.paymentUrl, paid ? "succeeded" : "failed");
        } catch {
          // a fan who didn't get in within the helper's wait just goes home: fine for a picture
        } finally {
          // A paid order ends the turn; anyone else leaves the line so their slot goes to the next fan.
          if (fan && !paid)
            await fan.socket
              .timeout(2_000)
              .emitWithAck("queue:leave", { eventId: sale.id })
              .catch(() => null);
          fan?.close();
        }
      })(),
    );
    await sleep(180);
  }
  await Promise.all(runs);
}

/** One fan's journey, photographed at each step. Returns the order page's URL. */
async function fanJourney(browser: Browser, url: string, sale: Sale, size: Size): Promise<string> {
  const page = await newPage(browser, size);
  await page.goto(`${url}/events/${sale.id}`);
  await page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 30_000 });
  await page.getByLabel("VIP", { exact: false }).first().selectOption("2");
  await page.getByLabel("Email for your tickets").fill(size === "phone" ? "maya@example.com" : "sam@example.com");
  await page.mouse.move(0, 0);
  await shot(page, `event-admitted-${size}`, size === "desktop");
  await page.getByRole("button", { name: "Hold tickets" }).click();
  await page.waitForURL(/\/mockpay\/checkout\//);
  await shot(page, `mockpay-${size}`);
  await payOnMockPay(page);
  await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
  await shownQrSvgs(page, 2);
  await shot(page, `order-paid-${size}`, true);
  return page.url();
}

/** The benchmarks page over the runs recorded in bench/results (the server's default directory). */
async function benchPage(browser: Browser, url: string): Promise<void> {
  const page = await newPage(browser, "desktop");
  await page.goto(`${url}/bench`);
  await page.locator("section.bench-scenario .bench-chart canvas").first().waitFor({ timeout: 10_000 });
  await sleep(500);
  await shot(page, "bench", true);
}

/** The admission controller panel of an automatic sale while fans buy: the rate climbing from its
 * start to the ceiling, the checkout's latency beside it. */
async function admissionPanel(browser: Browser, url: string): Promise<void> {
  const sale = await createSale(url, {
    name: "Stampede Live — Controller Night",
    maxActiveCheckouts: 4,
    classes: demoTiers,
    perks: [],
    waitingRoom: { admission: "auto", admitPerMinute: 30, admitPerMinuteFloor: 30, admitPerMinuteCeiling: 1_200 },
  });
  const page = await newPage(browser, "desktop");
  await adminSignIn(page, url);
  await page.goto(`${url}/admin/events/${sale.id}`);
  const panel = page.locator("section.controller");
  await panel.locator(".controller-reason").waitFor({ timeout: 10_000 });
  await simulateSale(url, sale, 60);
  await sleep(2_000);
  await page.mouse.move(0, 0);
  await panel.screenshot({ path: `${outDir}admission-controller.png`, animations: "disabled", caret: "hide" });
  console.log("  admission-controller.png");
}

/** A signed-in fan with a paid order of three GA tickets, the first put up for resale from the order
 * page (the others still offer "Sell this ticket"). Answers the fan's page, on that order. */
async function sellerWithListings(browser: Browser, url: string, eventPath: string): Promise<Page> {
  const page = await newPage(browser, "phone");
  await signUpFan(page, url, "ana@example.com", eventPath);
  await holdTickets(page, "General Admission", 3, "ana@example.com");
  await payOnMockPay(page);
  await page.getByRole("heading", { name: "You're going!" }).waitFor({ timeout: 15_000 });
  await shownQrSvgs(page, 3);
  await listTicket(page, 1, "28");
  await page.getByRole("group", { name: "Resale of ticket 2" }).getByText("Sell this ticket").waitFor();
  return page;
}

/** On the order page: puts ticket `index` up for resale at `price` dollars. */
async function listTicket(page: Page, index: number, price: string): Promise<void> {
  const group = page.getByRole("group", { name: `Resale of ticket ${index}` });
  await group.getByLabel(/^Price/).fill(price);
  await group.getByRole("button", { name: "Put up for sale" }).click();
  await group.getByText("For sale").waitFor({ timeout: 10_000 });
}

/** Another signed-in fan on the event page, its Resale section listing what is for sale. */
async function resaleWatcher(browser: Browser, url: string, eventPath: string, email: string): Promise<Page> {
  const page = await newPage(browser, "phone");
  await signUpFan(page, url, email, eventPath);
  await page.getByRole("region", { name: "Resale" }).getByRole("table").waitFor({ timeout: 10_000 });
  return page;
}

/** Fan accounts and resale: sign-in, a seller's order and listings, the event's marketplace with one
 * ticket available and one being bought (a fan left on the payment page), a paid resale purchase, and
 * the dashboard's Resale panel. */
async function resalePages(browser: Browser, url: string): Promise<void> {
  const sale = await createSale(url, {
    name: "Stampede Live — Resale Night",
    classes: demoTiers,
    perks: [{ code: "POSTER", name: "Tour poster", capacity: 100 }],
  });
  await setResale(url, sale.id, { enabled: true, priceCapPercent: 120, feePercent: 10, lockSeconds: 300 });
  const eventPath = `/events/${sale.id}`;

  const guest = await newPage(browser, "phone");
  await guest.goto(`${url}/account/signin`);
  await guest.getByRole("heading", { name: "Sign in", level: 1 }).waitFor({ timeout: 10_000 });
  await shot(guest, "account-signin-phone");

  const seller = await sellerWithListings(browser, url, eventPath);
  await shot(seller, "resale-sell-phone", true);
  await listTicket(seller, 2, "30");

  // One fan locks the $30 ticket and stays on the payment page; another watches the marketplace.
  const buyer = await resaleWatcher(browser, url, eventPath, "jonas@example.com");
  const other = await resaleWatcher(browser, url, eventPath, "lee@example.com");
  await other.getByRole("button", { name: /^Buy GA ticket for \$33\.00$/ }).click();
  await other.waitForURL(/\/mockpay\/checkout\//, { timeout: 15_000 });
  const market = buyer.getByRole("region", { name: "Resale" });
  await market.getByRole("cell", { name: /^Being bought/ }).waitFor({ timeout: 10_000 });
  await market.getByRole("cell", { name: "Available" }).waitFor();
  await buyer.mouse.move(0, 0);
  await shot(buyer, "resale-market-phone", true);

  await market.getByRole("button", { name: /^Buy GA ticket for \$30\.80$/ }).click();
  await buyer.waitForURL(/\/mockpay\/checkout\//, { timeout: 15_000 });
  await buyer.getByRole("button", { name: /^Pay / }).click();
  await buyer.waitForURL(/\/resale\/purchases\//, { timeout: 15_000 });
  await buyer.getByText("Paid — the ticket is yours").waitFor({ timeout: 15_000 });
  await shot(buyer, "resale-purchase-phone");

  // The seller lists the third ticket too, then opens My tickets: For sale, being bought, sold.
  await listTicket(seller, 3, "26");
  await seller.goto(`${url}/account`);
  const listings = seller.getByRole("region", { name: "My listings" });
  await listings.getByRole("cell", { name: /^Sold/ }).waitFor({ timeout: 10_000 });
  await listings.getByRole("cell", { name: /^A buyer is paying/ }).waitFor();
  await shot(seller, "account-tickets-phone", true);

  const admin = await newPage(browser, "desktop");
  await adminSignIn(admin, url);
  await admin.goto(`${url}/admin${eventPath}`);
  const panel = admin.getByRole("region", { name: "Resale" });
  await panel.getByRole("row", { name: /GA .*\$28\.00 .*Sold/ }).waitFor({ timeout: 10_000 });
  await admin.mouse.move(0, 0);
  await panel.screenshot({ path: `${outDir}resale-admin-desktop.png`, animations: "disabled", caret: "hide" });
  console.log("  resale-admin-desktop.png");
}

/** Bot defence: the event page's "Checking your browser…" step (a hard challenge, so it stays up
 * while the picture is taken) and the dashboard's Bot defence panel. */
async function botDefencePages(browser: Browser, url: string): Promise<void> {
  const sale = await createSale(url, { name: "Midnight Sun Tour" });
  const res = await fetch(`${url}/api/admin/events/${sale.id}/bot-defence`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify({
      mode: "always",
      difficulty: 5_000_000,
      subnetJoinsPerMinute: 300,
      eventJoinsPerMinute: 50_000,
    }),
  });
  if (res.status !== 200) throw new Error(`bot defence answered ${res.status}`);
  const fan = await newPage(browser, "phone");
  await fan.goto(`${url}/events/${sale.id}`);
  await fan.getByText("Checking your browser…").waitFor({ timeout: 15_000 });
  await fan.waitForFunction(
    () => Number(document.querySelector(".browser-check progress")?.getAttribute("value")) >= 4,
  );
  await shot(fan, "bot-defence-check-phone");
  await fan.context().close();

  const admin = await newPage(browser, "desktop");
  await adminSignIn(admin, url);
  await admin.goto(`${url}/admin/events/${sale.id}`);
  const panel = admin.getByRole("region", { name: "Bot defence" });
  await panel.getByLabel("Browser check at the join").waitFor({ timeout: 10_000 });
  await admin.mouse.move(0, 0);
  await panel.screenshot({ path: `${outDir}bot-defence-admin-desktop.png`, animations: "disabled", caret: "hide" });
  console.log("  bot-defence-admin-desktop.png");
}

/** Only one page's pictures, on a stack of its own. */
async function only(take: (browser: Browser, url: string) => Promise<void>): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const { site, browser } = await openSite();
  try {
    await take(browser, site.url);
  } finally {
    await browser.close();
    await site.stack.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const startedMs = Date.now();
  console.log("starting a stack…");
  const { site, browser } = await openSite();
  const fans: TestFan[] = [];
  try {
    const { url } = site;
    // An event with a long line: two slots taken by fans who don't finish, 26 fans waiting.
    const busy = await createSale(url, {
      name: "Spring Arena Tour — Opening Night",
      maxActiveCheckouts: 2,
      admitPerMinute: 120,
      classes: demoTiers,
      perks: [{ code: "POSTER", name: "Signed tour poster", capacity: 100 }],
    });
    for (let i = 0; i < 2; i += 1) fans.push(await admittedFan(url, busy.id));
    for (let i = 0; i < 26; i += 1) {
      const fan = await connectFan(url);
      await fan.join(busy.id);
      fans.push(fan);
    }
    // The demo sale: open, a few slots, the dashboard watching it as fans buy.
    const demo = await createSale(url, {
      name: "Stampede Live — Demo Night",
      maxActiveCheckouts: 6,
      admitPerMinute: 600,
      classes: demoTiers,
      perks: [{ code: "POSTER", name: "Tour poster", capacity: 100 }],
    });

    console.log("admin dashboard, while a sale runs…");
    const adminDesk = await newPage(browser, "desktop");
    await adminSignIn(adminDesk, url);
    await adminDesk.goto(`${url}/admin/events/${demo.id}`);
    await adminDesk.getByText("✓ Every tier adds up").waitFor({ timeout: 10_000 });
    const adminPhone = await newPage(browser, "phone");
    await adminSignIn(adminPhone, url);
    await adminPhone.goto(`${url}/admin/events/${demo.id}`);
    await sleep(3_000);
    await simulateSale(url, demo, 70);
    await sleep(4_000);
    await adminDesk.getByRole("button", { name: "Run audit" }).click();
    await adminDesk.getByText(/Audit passed/).waitFor();
    await shot(adminDesk, "admin-dashboard-desktop", true);
    await adminPhone.getByRole("button", { name: "Run audit" }).click();
    await adminPhone.getByText(/Audit passed/).waitFor();
    await shot(adminPhone, "admin-dashboard-phone");

    console.log("fan pages…");
    for (const size of ["phone", "desktop"] as const) {
      const page = await newPage(browser, size);
      await page.goto(`${url}/events/${busy.id}`);
      await page.locator(".place-number").waitFor({ timeout: 15_000 });
      await page.getByText(/checkout slots are in use/).waitFor({ timeout: 10_000 });
      await sleep(1_500);
      await shot(page, `event-waiting-${size}`, size === "desktop");
      const board = await newPage(browser, size);
      await board.goto(`${url}/events/${busy.id}/board`);
      await board.getByText("Live", { exact: true }).waitFor({ timeout: 10_000 });
      await sleep(1_000);
      await shot(board, `board-${size}`, size === "phone");
    }
    // Both journeys settle before anything closes: a failure in one must not leave the other
    // running against a closed browser (an unhandled rejection would skip the clean-up).
    const journeys = await Promise.allSettled([
      fanJourney(browser, url, demo, "phone"),
      fanJourney(browser, url, demo, "desktop"),
    ]);
    const failed = journeys.find((j) => j.status === "rejected");
    if (failed) throw failed.reason;
    const phoneOrder = (journeys[0] as PromiseFulfilledResult<string>).value;

    console.log("check-in…");
    const order = new URL(phoneOrder);
    const orderToken = new URLSearchParams(order.hash.slice(1)).get("token");
    const orderPath = `/api/orders${order.pathname.slice("/orders".length)}`;
    const res = await fetch(`${url}${orderPath}`, { headers: { authorization: `Bearer ${orderToken}` } });
    const codes = ((await res.json()) as { tickets: Array<{ code: string }> }).tickets.map((t) => t.code);
    for (const [size, page] of [
      ["phone", adminPhone],
      ["desktop", adminDesk],
    ] as const) {
      await page.goto(`${url}/admin/checkin`);
      const field = page.getByLabel("Ticket code");
      if (size === "desktop") {
        await field.fill("forged-or-mistyped-code");
        await field.press("Enter");
        await page.getByText("Not a valid ticket").waitFor();
      }
      await field.fill(codes[0]!);
      await field.press("Enter");
      await page.locator(".verdict").waitFor();
      await shot(page, `checkin-${size}`);
    }

    console.log("admin events and the New event form…");
    await adminDesk.goto(`${url}/admin`);
    await adminDesk.getByRole("button", { name: "New event" }).click();
    await adminDesk.locator("#ev-name").fill("Summer Festival");
    await adminDesk.getByRole("button", { name: "Create event" }).focus();
    await adminDesk.locator("#tier-capacity-1").fill("0");
    await adminDesk.getByRole("button", { name: "Create event" }).click();
    await adminDesk.getByText("A whole number from 1 to 10,000,000.").waitFor();
    await shot(adminDesk, "admin-events-desktop", true);

    console.log("admission controller…");
    await admissionPanel(browser, url);

    console.log("fan accounts and resale…");
    await resalePages(browser, url);

    console.log("waiting list…");
    await waitlistPages(browser, url, outDir);

    console.log("presale and codes…");
    await codesPages(browser, url, outDir);

    console.log("the operator's sale…");
    await operatorPages(browser, url, outDir);

    console.log("bot defence…");
    await botDefencePages(browser, url);

    console.log("benchmarks…");
    await benchPage(browser, url);
  } finally {
    for (const fan of fans) fan.close();
    await browser.close();
    await site.stack.close();
  }
  console.log(`done in ${Math.round((Date.now() - startedMs) / 1000)} s → ${outDir}`);
}

const parts: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  bench: benchPage,
  admission: admissionPanel,
  resale: resalePages,
  challenge: botDefencePages,
  waitlist: (browser, url) => waitlistPages(browser, url, outDir),
  codes: (browser, url) => codesPages(browser, url, outDir),
  operator: (browser, url) => operatorPages(browser, url, outDir),
};
const part = process.argv[2] === undefined ? undefined : parts[process.argv[2]];
await (part ? only(part) : main());
