// Goal: fan accounts' emailed links through the real stack and a real SMTP server. Signing up
// mails a verification link whose token verifies the account, once (a second use, or a mistyped
// token, is 400 invalid_link and changes nothing); from then on "My tickets" also lists the orders
// placed as a guest with that address (control: not before it is verified). A password reset request mails a link (one,
// however often it is asked for within a minute; an address without an account gets the same 202
// and no link at all); following it sets the new password, ends the sessions signed in with the
// old one and signs in; it works once; the old password no longer signs in. The sweep runs every
// 200 ms and the tests wait for messages to arrive, never for a time.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { admittedFan, holdBody, postAsFan } from "./support/checkout.js";
import { createEvent, waitFor } from "./support/fans.js";
import { testPool } from "./support/services.js";
import { smtpSink } from "./support/smtp-sink.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const sink = smtpSink();
let stack: TestStack;
let url = "";
let db: pg.Pool;

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.server.address() as AddressInfo;
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: "Stampede <accounts@shop.test>",
    MAIL_SWEEP_EVERY_MS: "200",
  });
  url = (await stack.addServer()).url;
  stack.addWorkers({ PUBLIC_URL: url });
  db = testPool(stack.db.url, 2);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await stack?.close();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
});

async function post(path: string, body: unknown, cookie = "") {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(body),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("stampede_account="));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: session ?? "" };
}

/** A guest (another browser, no account) holds a ticket giving this email; the order's id. */
async function guestOrderFor(email: string): Promise<string> {
  const event = await createEvent(url, stackAdmin, {
    name: "Guest with an email",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 500, capacity: 10 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100 },
  });
  const fan = await admittedFan(url, event.id);
  fan.close();
  const body = { ...holdBody(fan, event.classes[0]!.id, 1), email };
  const held = await postAsFan(url, `/api/events/${event.id}/holds`, fan.fanToken, body);
  expect(held.status).toBe(201);
  return (held.body as unknown as { orderId: string }).orderId;
}

const myOrderIds = async (cookie: string): Promise<string[]> => {
  const res = await fetch(`${url}/api/account/orders`, { headers: { cookie } });
  const body = (await res.json()) as { orders: Array<{ order: { orderId: string } }> };
  return body.orders.map((o) => o.order.orderId);
};

const me = async (cookie: string) => (await fetch(`${url}/api/account`, { headers: { cookie } })).status;

/** The link's token from the message that arrived for this address with this subject. */
async function linkTokenFor(to: string, subject: string, nth = 1): Promise<{ token: string; path: string }> {
  const mail = await waitFor(`${subject} for ${to}`, () => {
    const arrived = sink.arrived.filter((a) => a.to.includes(to) && a.mail.subject === subject);
    return arrived.length >= nth ? arrived[nth - 1]!.mail : null;
  });
  const link = /(https?:\/\/\S+)#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? "");
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return { path: new URL(link[1]!).pathname, token: link[2]! };
}

describe("account emails", () => {
  it("verifies the address with the emailed link, once; then the address's guest orders are the account's", async () => {
    const email = `verify-${Date.now()}@example.com`;
    const guestOrder = await guestOrderFor(email.toUpperCase());
    const signedUp = await post("/api/account/signup", { email, password: "correct horse battery" });
    expect(signedUp.body.account.verified).toBe(false);
    expect(await myOrderIds(signedUp.cookie)).toEqual([]); // not before the address is proven
    const link = await linkTokenFor(email, "Confirm your email");
    expect(link.path).toBe("/account/verify");

    const mistyped = await post("/api/account/verify", { token: `${link.token.slice(0, -2)}xx` });
    expect([mistyped.status, mistyped.body.error.code]).toEqual([400, "invalid_link"]);
    const verified = await post("/api/account/verify", { token: link.token });
    expect(verified).toMatchObject({ status: 200, body: { email, verified: true } });
    const again = await post("/api/account/verify", { token: link.token });
    expect([again.status, again.body.error.code]).toEqual([400, "invalid_link"]);
    expect(await myOrderIds(signedUp.cookie)).toEqual([guestOrder]);
  });

  it("resets the password with the emailed link: once, ending the old sessions", async () => {
    const email = `reset-${Date.now()}@example.com`;
    const old = await post("/api/account/signup", { email, password: "the old password" });
    expect(await me(old.cookie)).toBe(200);

    expect((await post("/api/account/password-reset", { email: email.toUpperCase() })).status).toBe(202);
    expect((await post("/api/account/password-reset", { email })).status).toBe(202); // within the minute: no second link
    const stranger = `nobody-${email}`;
    expect((await post("/api/account/password-reset", { email: stranger })).status).toBe(202);
    const links = await db.query(
      `SELECT a.email, l.purpose FROM account_links l JOIN accounts a ON a.id = l.account_id
        WHERE a.email IN ($1, $2) ORDER BY l.created_at`,
      [email, stranger],
    );
    expect(links.rows).toEqual([
      { email, purpose: "verify" },
      { email, purpose: "reset" },
    ]);

    const link = await linkTokenFor(email, "Reset your password");
    expect(link.path).toBe("/account/reset");
    const tooShort = await post("/api/account/password", { token: link.token, password: "short" });
    expect(tooShort.status).toBe(422);
    const reset = await post("/api/account/password", { token: link.token, password: "a brand new password" });
    expect(reset).toMatchObject({ status: 200, body: { account: { email, verified: true } } });
    expect(await me(reset.cookie)).toBe(200);
    expect(await me(old.cookie)).toBe(204); // signed in with the old password: ended

    const reused = await post("/api/account/password", { token: link.token, password: "yet another password" });
    expect([reused.status, reused.body.error.code]).toEqual([400, "invalid_link"]);
    expect((await post("/api/account/signin", { email, password: "a brand new password" })).status).toBe(200);
    expect((await post("/api/account/signin", { email, password: "the old password" })).status).toBe(401);
  });
});
