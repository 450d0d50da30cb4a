// Goal: the waiting list after a sell-out, against the real stack (server, workers, PostgreSQL, Redis,
// an SMTP server). A sale sells out; three fans in line join the list and close their pages: the
// presence grace keeps their places (control: a fan in line who is not on the list is removed). An
// order is refunded: exactly the first fan is offered the ticket (a timed claim: an admission), the
// others not; the signed-in first fan is emailed. The first claim runs out unused (claim_expired) and
// the ticket goes to the second fan, who buys it on the normal hold path (claimed); the third leaves.
// Joining a sale that is not sold out is refused (409 waitlist_unavailable) and writes nothing.
// Every wait is for an event (an answer, a frame, a message), never for a time.
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { completePayment, hold, orderReaches } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, newSession, waitFor, type TestFan } from "./support/fans.js";
import { call, device, type Device } from "./support/devices.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";
import { smtpSink } from "./support/smtp-sink.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const sink = smtpSink();
let stack: TestStack;
let url = "";
const sockets: TestFan[] = [];
const asAdmin = {
  "content-type": "application/json",
  authorization: basicAuth(stackAdmin.username, stackAdmin.password),
};

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.server.address() as AddressInfo;
  stack = await startStack({
    PRESENCE_GRACE_SECONDS: "1",
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: "Stampede <tickets@shop.test>",
    MAIL_SWEEP_EVERY_MS: "200",
  });
  url = (await stack.addServer()).url;
  stack.addWorkers({ PUBLIC_URL: url });
}, 120_000);

afterEach(async () => {
  await expectAnswersMatchSchemas({ url, stack });
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await stack?.close();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
});

/** A fan as a browser: a device (cookies) with a fan session, signed up to an account when `email` is given. */
async function fanDevice(email?: string): Promise<{ device: Device; fanId: string; fanToken: string }> {
  const d = device();
  if (email) {
    const res = await call(url, d, "POST", "/api/account/signup", { email, password: "correct horse battery" });
    expect(res.status).toBe(201);
    return { device: d, fanId: res.body.fanId as string, fanToken: res.body.fanToken as string };
  }
  const res = await call(url, d, "POST", "/api/session");
  expect(res.status).toBe(201);
  return { device: d, fanId: res.body.fanId as string, fanToken: res.body.fanToken as string };
}

/** One GA ticket, fixed admission (fast), a 10 s turn (the shortest the rules allow). */
async function oneTicketSale(name: string) {
  const event = await createEvent(url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 5_000, capacity: 1, perOrderMax: 1 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100, perFanMax: 1, admissionTtlSeconds: 10 },
  });
  return { eventId: event.id, classId: event.classes[0]!.id };
}

const eventStatus = async (eventId: string) =>
  ((await (await fetch(`${url}/api/events/${eventId}`)).json()) as { status: string }).status;
const waitlistOf = (d: Device, eventId: string) => call(url, d, "GET", `/api/events/${eventId}/waitlist`);
const queueEntryOf = async (d: Device, eventId: string) =>
  (await call(url, d, "GET", `/api/events/${eventId}/queue`)).body.entry as { state: string } | null;

/** In line over a socket (as the event page is), then on the waiting list. */
async function inLine(fan: { fanId: string; fanToken: string }, eventId: string): Promise<TestFan> {
  const socket = await connectFan(url, fan);
  sockets.push(socket);
  const ack = await socket.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return socket;
}

/** Its one ticket bought and paid by a fan over the room and MockPay: sold out. The paid order. */
async function sellOut(sale: { eventId: string; classId: string }) {
  const buyer = await newSession(url);
  const buyerSocket = await inLine(buyer, sale.eventId);
  const admission = await waitFor("buyer admitted", () => buyerSocket.admitted[0]?.token);
  const items = [{ classId: sale.classId, quantity: 1 }];
  const held = await hold(url, { ...buyer, admissionToken: admission }, sale.eventId, items);
  expect(held.status).toBe(201);
  await completePayment(url, held.body.paymentUrl, "succeeded");
  const paid = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
  await waitFor("sold out", async () => (await eventStatus(sale.eventId)) === "sold_out");
  return paid;
}

/** The dashboard's figures of the list. */
const figures = async (eventId: string) =>
  (await fetch(`${url}/api/admin/events/${eventId}/waitlist`, { headers: asAdmin })).json();

/** The fan's entry once it is an offer. */
const offerTo = (fan: { device: Device }, eventId: string) =>
  waitFor(
    "an offer",
    async () => {
      const e = (await waitlistOf(fan.device, eventId)).body.entry;
      return e.state === "offered" ? e : null;
    },
    30_000,
  );

describe("waiting list", () => {
  it("offers returned stock in line order as a timed claim, keeps places while away, mails signed-in fans", async () => {
    const sale = await oneTicketSale("Waiting list night");
    const paid = await sellOut(sale);

    const email = `first-${Date.now().toString(36)}@example.com`;
    const [first, second, third, control] = [
      await fanDevice(email),
      await fanDevice(),
      await fanDevice(),
      await fanDevice(),
    ];
    const listed = [first, second, third];
    const lineSockets = [];
    for (const f of [...listed, control]) lineSockets.push(await inLine(f, sale.eventId));
    for (const f of listed) {
      const joined = await call(url, f.device, "POST", `/api/events/${sale.eventId}/waitlist`, {});
      expect([joined.status, joined.body.entry.state, joined.body.open]).toEqual([200, "waiting", true]);
    }
    // Everyone closes the page, the listed fans first: once the control is removed, their grace has passed too.
    for (const s of lineSockets) s.close();
    await waitFor(
      "control removed after the grace",
      async () => (await queueEntryOf(control.device, sale.eventId)) === null,
    );
    const positions = await Promise.all(listed.map(async (f) => (await waitlistOf(f.device, sale.eventId)).body.entry));
    expect(positions.map((e) => [e.state, e.position])).toEqual([
      ["waiting", 1],
      ["waiting", 2],
      ["waiting", 3],
    ]);
    expect((await waitlistOf(first.device, sale.eventId)).body.waiting).toBe(3);
    expect(await figures(sale.eventId)).toEqual({ waiting: 3, openClaims: 0 });

    // An observer in line (behind them all) counts the room's ticks.
    const observer = await inLine(await newSession(url), sale.eventId);
    const refund = await fetch(`${url}/api/admin/orders/${paid.orderId}/refund`, { method: "POST", headers: asAdmin });
    expect(refund.status).toBe(200);

    const offer = await offerTo(first, sale.eventId);
    expect(await figures(sale.eventId)).toEqual({ waiting: 2, openClaims: 1 });
    expect(offer.admission.token).toEqual(expect.any(String));
    expect(offer.claimDeadline).toBe(offer.admission.expiresAt);
    const seen = observer.statuses.length;
    await waitFor("two more ticks", () => observer.statuses.length >= seen + 2);
    for (const f of [second, third])
      expect((await waitlistOf(f.device, sale.eventId)).body.entry.state).toBe("waiting");

    const mail = await waitFor(
      "the first fan's email",
      () => sink.arrived.find((a) => a.to.includes(email) && /is yours to claim/.test(a.mail.subject ?? "")),
      30_000,
    );
    expect(mail.mail.subject).toBe("A ticket for Waiting list night is yours to claim");
    expect(mail.mail.text).toContain(`${url}/events/${sale.eventId}`);

    // The first claim runs out unused: the ticket goes to the second fan.
    const secondOffer = await offerTo(second, sale.eventId);
    const expired = (await waitlistOf(first.device, sale.eventId)).body.entry;
    expect([expired.state, expired.reason]).toEqual(["expired", "claim_expired"]);
    expect((await waitlistOf(third.device, sale.eventId)).body.entry.state).toBe("waiting");

    const claimed = await hold(url, { ...second, admissionToken: secondOffer.admission.token }, sale.eventId, [
      { classId: sale.classId, quantity: 1 },
    ]);
    expect(claimed.status).toBe(201);
    expect((await waitlistOf(second.device, sale.eventId)).body.entry.state).toBe("claimed");
    const ticks = observer.statuses.length;
    await waitFor("two more ticks", () => observer.statuses.length >= ticks + 2);
    expect((await waitlistOf(third.device, sale.eventId)).body.entry.state).toBe("waiting");

    const left = await call(url, third.device, "DELETE", `/api/events/${sale.eventId}/waitlist`);
    expect([left.status, left.body.entry.state]).toEqual([200, "left"]);
    expect(await queueEntryOf(third.device, sale.eventId)).toBeNull();
    // Only the signed-in fan had an address: one message in all.
    expect(sink.arrived.filter((a) => /is yours to claim/.test(a.mail.subject ?? ""))).toHaveLength(1);
  }, 90_000);

  it("refuses to join a sale that is not sold out (409 waitlist_unavailable), writing nothing", async () => {
    const sale = await oneTicketSale("Plenty left night");
    const fan = await fanDevice();
    const refused = await call(url, fan.device, "POST", `/api/events/${sale.eventId}/waitlist`, {});
    expect([refused.status, refused.body.error.code]).toEqual([409, "waitlist_unavailable"]);
    const view = await waitlistOf(fan.device, sale.eventId);
    expect(view.body).toEqual({ entry: null, open: false, waiting: 0 });
    expect(await queueEntryOf(fan.device, sale.eventId)).toBeNull();
    const unknown = await call(url, fan.device, "POST", `/api/events/${crypto.randomUUID()}/waitlist`, {});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"]);
  });
});
