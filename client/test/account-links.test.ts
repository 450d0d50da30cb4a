// Goal: the account emails' links opened in a real browser, against a real stack whose workers
// mail through a real SMTP server in this process. The verification link opened says the email is
// verified, and opened again that it is not valid any more. "Forgot your password?" on the sign-in
// page asks for a link without saying whether the account exists; the link opened sets a new
// password and signs in (My tickets, the email in the header), and that password then signs in.
// Waits are on mail arriving and on what the page shows, never on a time.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { waitFor } from "../../server/test/support/fans.js";
import { smtpSink } from "../../server/test/support/smtp-sink.js";
import { startStack, type TestStack } from "../../server/test/support/stack.js";
import { fanPage, launchBrowser, requireBuiltClient } from "./support.js";

const sink = smtpSink();
let stack: TestStack | undefined;
let browser: Browser | undefined;
let url = "";

beforeAll(async () => {
  requireBuiltClient();
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.server.address() as AddressInfo;
  stack = await startStack({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_SWEEP_EVERY_MS: "200" });
  url = (await stack.addServer()).url;
  stack.addWorkers({ PUBLIC_URL: url });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
});

/** The path and #token= of the link in the message with this subject that arrived for `to`. */
async function mailedLink(to: string, subject: string): Promise<string> {
  const mail = await waitFor(
    `${subject} for ${to}`,
    () => sink.arrived.find((a) => a.to.includes(to) && a.mail.subject === subject)?.mail ?? null,
  );
  const link = /(https?:\/\/\S+#token=[A-Za-z0-9_-]+)/.exec(mail.text ?? "");
  if (!link?.[1]) throw new Error(`no link in: ${mail.text}`);
  const parsed = new URL(link[1]);
  return `${url}${parsed.pathname}${parsed.hash}`;
}

const header = (page: Page) => page.getByRole("navigation", { name: "Main" });

describe("account links in the browser", () => {
  it("verifies the email once, and resets a forgotten password", async () => {
    if (!browser) throw new Error("setup failed");
    const { context, page } = await fanPage(browser);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const email = `links-${Date.now().toString(36)}@example.test`;

    await page.goto(`${url}/account/signup`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("the first password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${url}/account`, { timeout: 10_000 });
    await page.getByText("No orders yet").waitFor({ timeout: 10_000 });

    const verify = await mailedLink(email, "Confirm your email");
    await page.goto(verify);
    await page.getByText("Your email is verified").waitFor({ timeout: 10_000 });
    await page.goto(`${url}/`);
    await page.goto(verify);
    await page.getByRole("alert").getByText("This link is not valid any more").waitFor({ timeout: 10_000 });

    await header(page).getByRole("button", { name: "Sign out" }).click();
    await header(page).getByRole("link", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByText("If an account exists, we sent a link").waitFor({ timeout: 10_000 });

    await page.goto(await mailedLink(email, "Reset your password"));
    await page.getByLabel("New password", { exact: true }).fill("a brand new password");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.waitForURL(`${url}/account`, { timeout: 10_000 });
    await header(page).getByText(email).waitFor({ timeout: 10_000 });

    await header(page).getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a brand new password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${url}/account`, { timeout: 10_000 });
    await header(page).getByText(email).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});
