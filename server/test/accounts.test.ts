// Goal: fan accounts against a real server, workers, PostgreSQL and Redis. A fan signs up on one
// device (its fan id becomes the account's) and signs in on a second: the second device takes the
// account's fan identity, so it keeps the first device's queue place and shares its per-fan limit
// (control: a third browser, not signed in, is not limited by it), and "My tickets" lists the
// orders of both devices — the one the second placed as a guest before signing in included. Wrong
// passwords and unknown emails get the same 401, then the sign-in backoff's 429 with Retry-After;
// bad input and a taken email (whatever its case) are refused with their codes, creating nothing;
// signing out ends the session.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { completePayment, hold, orderReaches } from "./support/checkout.js";
import { createEvent, newSession, type TestFan } from "./support/fans.js";
import { admitted as admittedAs, call as callAs, device, type Device } from "./support/devices.js";
import { testPool } from "./support/services.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";

const served = useStack();
let db: pg.Pool;
beforeAll(() => {
  db = testPool(served.stack.db.url, 2);
});
afterAll(async () => {
  await db?.end();
});
afterEach(async () => {
  // Every answer matched its route's declared schema (the server checks them under NODE_ENV=test).
  await expectAnswersMatchSchemas(served);
});

const call = (d: Device, method: string, path: string, body?: unknown) => callAs(served.url, d, method, path, body);

const countAccounts = async () => Number((await db.query("SELECT count(*) AS n FROM accounts")).rows[0].n);
const sockets: TestFan[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

/** The fan on a device's fan identity, admitted to the event: its queue number and admission token. */
const admitted = (session: { fanId: string; fanToken: string }, eventId: string) =>
  admittedAs(served.url, session, eventId, sockets);

describe("fan accounts", () => {
  it("share one fan identity across devices: queue place, per-fan limit and My tickets", async () => {
    const event = await createEvent(served.url, stackAdmin, {
      name: "Accounts night",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 2 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100, perFanMax: 2, holdSeconds: 600 },
    });
    const ga = [{ classId: event.classes[0]!.id, quantity: 2 }];
    const phone = device();
    const laptop = device();
    const phoneFan = (await call(phone, "POST", "/api/session")).body;
    const laptopGuest = (await call(laptop, "POST", "/api/session")).body;
    const email = `fan-${Date.now()}@example.com`;

    const signedUp = await call(phone, "POST", "/api/account/signup", { email, password: "correct horse battery" });
    expect(signedUp).toMatchObject({
      status: 201,
      body: { account: { email, verified: false }, fanId: phoneFan.fanId },
    });
    expect(phone.cookies.has("stampede_account")).toBe(true);
    const onPhone = await admitted(signedUp.body, event.id);

    // The laptop, as a guest first, holds one ticket of another event: its order becomes the account's.
    const other = await createEvent(served.url, stackAdmin, {
      name: "Guest night",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 500, capacity: 10 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100 },
    });
    const guestHold = await hold(served.url, await admitted(laptopGuest, other.id), other.id, [
      { classId: other.classes[0]!.id, quantity: 1 },
    ]);
    expect(guestHold.status).toBe(201);

    const signedIn = await call(laptop, "POST", "/api/account/signin", {
      email: email.toUpperCase(),
      password: "correct horse battery",
    });
    expect(signedIn).toMatchObject({ status: 200, body: { fanId: phoneFan.fanId } });
    const onLaptop = await admitted(signedIn.body, event.id);
    expect(onLaptop.queueNumber).toBe(onPhone.queueNumber); // the same place in line

    const bought = await hold(served.url, onPhone, event.id, ga);
    expect(bought.status).toBe(201);
    await completePayment(served.url, bought.body.paymentUrl, "succeeded");
    await orderReaches(served.url, bought.body.orderId, bought.body.orderToken, "paid");
    // The admission was used to buy: the laptop queues again, and is then held to the fan's limit.
    const laptopAgain = await admitted(signedIn.body, event.id);
    const overLimit = await hold(served.url, laptopAgain, event.id, ga);
    expect([overLimit.status, overLimit.body.error?.code]).toEqual([429, "fan_limit_reached"]);
    // Control: a browser that did not sign in has a limit of its own.
    const stranger = await admitted(await newSession(served.url), event.id);
    expect((await hold(served.url, stranger, event.id, ga)).status).toBe(201);

    const mine = await call(laptop, "GET", "/api/account/orders");
    expect(mine.status).toBe(200);
    const listed = mine.body.orders.map((o: { order: { orderId: string; status: string } }) => [
      o.order.orderId,
      o.order.status,
    ]);
    expect(listed.sort()).toEqual(
      [
        [bought.body.orderId, "paid"],
        [guestHold.body.orderId, "held"],
      ].sort(),
    );
    const paid = mine.body.orders.find((o: { order: { orderId: string } }) => o.order.orderId === bought.body.orderId);
    expect(paid.orderToken).toBe(bought.body.orderToken); // the order page's link works from My tickets
    expect(paid.order.tickets).toHaveLength(2);
  });

  it("refuses wrong passwords and unknown emails alike, then slows them down; bad input creates nothing", async () => {
    const d = device();
    const email = `slow-${Date.now()}@example.com`;
    expect((await call(d, "POST", "/api/account/signup", { email, password: "a long enough one" })).status).toBe(201);
    const before = await countAccounts();
    const taken = await call(device(), "POST", "/api/account/signup", {
      email: email.toUpperCase(),
      password: "another long one",
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, "email_taken"]);
    for (const bad of [
      { email: "not-an-email", password: "a long enough one" },
      { email: `x-${email}`, password: "short" },
      { email: `y-${email}`, password: "a long enough one", admin: true },
    ]) {
      const refused = await call(device(), "POST", "/api/account/signup", bad);
      expect([refused.status, refused.body.error.code]).toEqual([422, "invalid_request"]);
    }
    expect(await countAccounts()).toBe(before);

    const attacker = device();
    const unknown = await call(attacker, "POST", "/api/account/signin", {
      email: `nobody-${email}`,
      password: "whatever it is",
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([401, "invalid_credentials"]);
    const wrong = await call(attacker, "POST", "/api/account/signin", { email, password: "not the password" });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, "invalid_credentials"]);
    const again = await call(attacker, "POST", "/api/account/signin", { email, password: "not the password either" });
    expect([again.status, again.body.error.code, Number(again.retryAfter) >= 1]).toEqual([429, "rate_limited", true]);
    expect(attacker.cookies.has("stampede_account")).toBe(false);

    expect((await call(d, "GET", "/api/account")).body).toMatchObject({ email, verified: false });
    expect((await call(d, "POST", "/api/account/signout")).status).toBe(204);
    expect((await call(d, "GET", "/api/account")).status).toBe(204); // nobody signed in: not an error
    const gone = await call(d, "GET", "/api/account/orders");
    expect([gone.status, gone.body.error.code]).toEqual([401, "not_signed_in"]);
  });
});
