// Browser tests and the screenshot script share this: a real Stampede (own database and Redis
// prefix, a real server process serving client/dist, workers) from server/test/support/stack.ts,
// Debian's Chromium driven by playwright-core, and small steps a fan or an admin takes in it.
import { afterAll, beforeAll } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { AdminRole } from "@stampede/shared/roles";
import { createPool } from "../../server/src/adapters/postgres/pool.js";
import { AdminUsers } from "../../server/src/services/admin/admin-users.js";
import { AdminUsersRepo } from "../../server/src/adapters/postgres/admin-users-repo.js";
import { basicAuth, createEvent, waitFor } from "../../server/test/support/fans.js";
import { admittedFan, completePayment, hold, orderReaches } from "../../server/test/support/checkout.js";
import { stackAdmin, startStack, type TestStack } from "../../server/test/support/stack.js";

export { stackAdmin };

export const distIndex = fileURLToPath(new URL("../dist/index.html", import.meta.url));
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The pages are the built client: without it the server answers 503 and every test would fail obscurely. */
export function requireBuiltClient(): void {
  if (!existsSync(distIndex)) {
    throw new Error(
      `client/dist/index.html is missing: build the client first with \`npm run build -w client\` (npm test does it before vitest).`,
    );
  }
}

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export interface Site {
  stack: TestStack;
  url: string;
}

/** One server process (serving client/dist) and the workers (webhooks, expiry), on a fresh database. */
export async function startSite(env: Record<string, string> = {}): Promise<Site> {
  requireBuiltClient();
  const stack = await startStack(env);
  try {
    const server = await stack.addServer();
    stack.addWorkers();
    return { stack, url: server.url };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** A site and a browser together; if either fails to start, the other is closed before the error is thrown. */
export async function openSite(env: Record<string, string> = {}): Promise<{ site: Site; browser: Browser }> {
  requireBuiltClient();
  const [site, browser] = await Promise.allSettled([startSite(env), launchBrowser()]);
  if (site.status === "fulfilled" && browser.status === "fulfilled")
    return { site: site.value, browser: browser.value };
  if (site.status === "fulfilled") await site.value.stack.close();
  if (browser.status === "fulfilled") await browser.value.close();
  throw site.status === "rejected" ? site.reason : (browser as PromiseRejectedResult).reason;
}

/** Registers the file's hooks: one site and one browser for all its tests, closed afterwards.
 * Call the returned function inside a test to get them. */
export function useSite(env: Record<string, string> = {}): () => { site: Site; browser: Browser } {
  let opened: { site: Site; browser: Browser } | undefined;
  beforeAll(async () => {
    opened = await openSite(env);
  });
  afterAll(async () => {
    await opened?.browser.close();
    await opened?.site.stack.close();
  });
  return () => {
    if (!opened) throw new Error("setup failed: the site or the browser did not start");
    return opened;
  };
}

export interface SaleOptions {
  name?: string;
  maxActiveCheckouts?: number;
  admitPerMinute?: number;
  classes?: Array<{ code: string; name: string; priceCents: number; capacity: number; perOrderMax?: number }>;
  perks?: Array<{ code: string; name: string; capacity: number }>;
  holdSeconds?: number;
  /** More waiting-room settings, over the ones above (e.g. admission "auto" with a floor and a ceiling). */
  waitingRoom?: Record<string, unknown>;
}

export interface Sale {
  id: string;
  classes: Array<{ id: string; code: string }>;
}

/** An event on sale now, created through the admin API. */
export async function createSale(url: string, options: SaleOptions = {}): Promise<Sale> {
  return createEvent(url, stackAdmin, {
    name: options.name ?? "Browser Test Night",
    venue: "Test Hall",
    startsAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
    status: "on_sale",
    classes: options.classes ?? [
      { code: "VIP", name: "VIP", priceCents: 12_000, capacity: 20, perOrderMax: 4 },
      { code: "GA", name: "General admission", priceCents: 4_500, capacity: 200, perOrderMax: 4 },
    ],
    perks: options.perks ?? [{ code: "POSTER", name: "Tour poster", capacity: 10 }],
    waitingRoom: {
      admitPerMinute: options.admitPerMinute ?? 6_000,
      maxActiveCheckouts: options.maxActiveCheckouts ?? 50,
      holdSeconds: options.holdSeconds ?? 300,
      perFanMax: 6,
      ...options.waitingRoom,
    },
  });
}

/** A sold-out sale: its one ticket (tier GA named `tierName`) bought and paid through the API and MockPay. */
export async function soldOutSale(url: string, name: string, tierName: string, priceCents: number) {
  const sale = await createSale(url, {
    name,
    classes: [{ code: "GA", name: tierName, priceCents, capacity: 1, perOrderMax: 1 }],
    perks: [],
  });
  const buyer = await admittedFan(url, sale.id);
  const held = await hold(url, buyer, sale.id, [{ classId: sale.classes[0]!.id, quantity: 1 }]);
  buyer.close();
  await completePayment(url, held.body.paymentUrl, "succeeded");
  const paid = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
  await waitFor("sold out", async () => {
    const event = (await (await fetch(`${url}/api/events/${sale.id}`)).json()) as { status: string };
    return event.status === "sold_out";
  });
  return { sale, orderId: paid.orderId };
}

export interface ResaleSettings {
  enabled: boolean;
  priceCapPercent: number;
  feePercent: number;
  lockSeconds: number;
}

/** Sets an event's resale settings through the admin API (`PUT /api/admin/events/:eventId/resale`). */
export async function setResale(url: string, eventId: string, settings: ResaleSettings): Promise<void> {
  const res = await fetch(`${url}/api/admin/events/${encodeURIComponent(eventId)}/resale`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify(settings),
  });
  if (res.status !== 200) throw new Error(`resale settings answered ${res.status}: ${await res.text()}`);
}

/** Creates a fan account from the sign-up page and comes back to `next` (a real page load), signed in. */
export async function signUpFan(page: Page, url: string, email: string, next: string): Promise<void> {
  await page.goto(`${url}/account/signup?next=${encodeURIComponent(next)}`);
  await page.getByRole("heading", { name: "Create an account", level: 1 }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${url}${next}`, { timeout: 10_000 });
  await page.getByRole("navigation", { name: "Main" }).getByText(email).waitFor({ timeout: 10_000 });
}

/** A fan's browser: its own context (cookies, sessionStorage), a phone-sized page. */
export async function fanPage(
  browser: Browser,
  viewport = { width: 390, height: 844 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  return { context, page };
}

/** On the event page once admitted: pick `quantity` of the tier named `tierName`, give an email, hold. Lands on
 * the payment provider's page: MockPay's unless told another (`paymentPage`: its URL as waitForURL takes it). */
export async function holdTickets(
  page: Page,
  tierName: string,
  quantity: number,
  email = "fan@example.test",
  paymentPage: Parameters<Page["waitForURL"]>[0] = /\/mockpay\/checkout\//,
): Promise<void> {
  await page.getByRole("heading", { name: "It's your turn" }).waitFor({ timeout: 20_000 });
  await page.getByLabel(tierName, { exact: false }).first().selectOption(String(quantity));
  await page.getByLabel("Email for your tickets").fill(email);
  await page.getByRole("button", { name: "Hold tickets" }).click();
  await page.waitForURL(paymentPage, { timeout: 15_000 });
}

/** On MockPay's page: press Pay; lands back on the order page. */
export async function payOnMockPay(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^Pay / }).click();
  await page.waitForURL(/\/orders\//, { timeout: 15_000 });
}

/** What the server's QR library draws: an SVG whose dark modules are one path (horizontal runs). */
export const qrDrawing = /^<svg [^>]*viewBox="0 0 \d+ \d+"[^>]*>.*<path [^>]*d="M\d[^"]*h\d[^"]*"/s;

/**
 * On the order page: waits until it shows `count` QR codes, each an <img> drawn from the SVG its
 * data: URL carries (loaded, with a size: a picture the browser could not draw has none), and
 * answers those SVGs.
 */
export async function shownQrSvgs(page: Page, count: number, timeout = 10_000): Promise<string[]> {
  const prefix = "data:image/svg+xml;charset=utf-8,";
  const drawn = await page.waitForFunction(
    ({ n, prefix }) => {
      const images = Array.from(document.querySelectorAll<HTMLImageElement>(".ticket img.qr"));
      const shown = images.every((img) => img.src.startsWith(prefix) && img.complete && img.naturalWidth > 0);
      return images.length === n && shown ? images.map((img) => img.src) : null;
    },
    { n: count, prefix },
    { timeout },
  );
  const sources = (await drawn.jsonValue()) as string[];
  return sources.map((src) => decodeURIComponent(src.slice(prefix.length)));
}

export interface Credentials {
  username: string;
  password: string;
}

/** Signs in through the admin form on `/admin` (the stack's admin unless told otherwise). */
export async function adminSignIn(page: Page, url: string, credentials: Credentials = stackAdmin): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.getByLabel("Username").fill(credentials.username);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Signed in as").waitFor();
}

/** Another admin account (a viewer or a scanner), straight into the stack's database. */
export async function createAdminUser(site: Site, role: AdminRole): Promise<Credentials> {
  const pool = createPool(site.stack.db.url);
  try {
    const credentials = { username: `${role}-${Date.now().toString(36)}`, password: `${role}-password-123` };
    const user = await new AdminUsers(new AdminUsersRepo(pool)).create(
      credentials.username,
      credentials.password,
      role,
    );
    if (!user) throw new Error(`could not create the ${role} user`);
    return credentials;
  } finally {
    await pool.end();
  }
}
