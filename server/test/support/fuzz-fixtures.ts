// Real things for the HTTP fuzz and authz tests to aim at, made through the public API of an
// in-process test app: events, fans, a held and a paid order (with tickets), MockPay sessions, and
// signed-in admins of every role. The app runs no ticker, so the test admits fans itself with the
// store's own admission step — and nothing changes in the background between two requests.
import { signWebhook, webhookBody, webhookEventSchema } from "../../src/payments/webhook.js";
import type { TestApp } from "./app.js";
import { testAdmin, testWebhookSecret } from "./app.js";
import { sessionIdOf } from "./checkout.js";
import { basicAuth, createEvent, newSession, waitFor } from "./fans.js";

export interface AdminLogin {
  cookie: string;
  csrfToken: string;
}

export interface Fixtures {
  saleEventId: string;
  draftEventId: string;
  classId: string;
  fan: { fanId: string; fanToken: string };
  otherFan: { fanId: string; fanToken: string };
  held: { orderId: string; orderToken: string; sessionId: string };
  paid: { orderId: string; orderToken: string; sessionId: string; ticketIds: string[]; ticketCode: string };
  admin: AdminLogin;
  viewer: AdminLogin;
  scanner: AdminLogin;
  /** Sessions the tests may sign out (the ones above must outlive the run). */
  spare: { admin: AdminLogin; viewer: AdminLogin; scanner: AdminLogin };
  users: { viewer: { username: string; password: string }; scanner: { username: string; password: string } };
}

const jsonType = { "content-type": "application/json" };

export async function adminLogin(url: string, username: string, password: string): Promise<AdminLogin> {
  const res = await fetch(`${url}/api/admin/login`, {
    method: "POST",
    headers: jsonType,
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}`);
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { cookie, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function createUser(url: string, username: string, role: string) {
  const password = `${role}-password-123`;
  const res = await fetch(`${url}/api/admin/users`, {
    method: "POST",
    headers: { ...jsonType, authorization: basicAuth(testAdmin.username, testAdmin.password) },
    body: JSON.stringify({ username, password, role }),
  });
  if (res.status !== 201) throw new Error(`create ${role} answered ${res.status}`);
  return { username, password };
}

/** A fan admitted to the event: joined over REST, let in by one admission step, token read back. */
async function admitted(
  t: TestApp,
  eventId: string,
): Promise<{ fanId: string; fanToken: string; admissionToken: string }> {
  const fan = await newSession(t.url);
  const auth = { authorization: `Bearer ${fan.fanToken}` };
  const join = await fetch(`${t.url}/api/events/${eventId}/queue`, { method: "POST", headers: auth });
  if (join.status !== 200) throw new Error(`join answered ${join.status}`);
  const admissionToken = await waitFor("admission", async () => {
    await t.waitingRoom.store.admit(eventId, {
      nowMs: Date.now(),
      admitPerMinute: 60_000,
      maxActiveCheckouts: 500,
      admissionTtlMs: 3_600_000,
      paused: false,
    });
    const view = (await (await fetch(`${t.url}/api/events/${eventId}/queue`, { headers: auth })).json()) as {
      entry: { admission?: { token: string } } | null;
    };
    return view.entry?.admission?.token;
  });
  return { ...fan, admissionToken };
}

async function placeHold(
  t: TestApp,
  eventId: string,
  classId: string,
  fan: { fanToken: string; admissionToken: string },
) {
  const res = await fetch(`${t.url}/api/events/${eventId}/holds`, {
    method: "POST",
    headers: { ...jsonType, authorization: `Bearer ${fan.fanToken}` },
    body: JSON.stringify({
      admissionToken: fan.admissionToken,
      items: [{ classId, quantity: 2 }],
      email: "fuzz@example.test",
    }),
  });
  if (res.status !== 201) throw new Error(`hold answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { orderId: string; orderToken: string; paymentUrl: string };
  return { orderId: body.orderId, orderToken: body.orderToken, sessionId: sessionIdOf(body.paymentUrl) };
}

/** Pays through MockPay, then delivers its webhook as the workers would (signed, from its outbox). */
async function pay(t: TestApp, order: { orderId: string; orderToken: string; sessionId: string }) {
  const done = await fetch(`${t.url}/mockpay/api/sessions/${order.sessionId}/complete`, {
    method: "POST",
    headers: jsonType,
    body: JSON.stringify({ outcome: "succeeded" }),
  });
  if (done.status !== 200) throw new Error(`complete answered ${done.status}`);
  const { rows } = await t.pool.query<{ payload: unknown }>(
    "SELECT payload FROM mockpay_events WHERE session_id = $1",
    [order.sessionId],
  );
  const raw = webhookBody(
    webhookEventSchema.parse(typeof rows[0]?.payload === "string" ? JSON.parse(rows[0].payload) : rows[0]?.payload),
  );
  const delivered = await fetch(`${t.url}/api/payments/webhook`, {
    method: "POST",
    headers: { ...jsonType, "mockpay-signature": signWebhook(testWebhookSecret, raw, Math.floor(Date.now() / 1000)) },
    body: raw,
  });
  if (delivered.status !== 200) throw new Error(`webhook answered ${delivered.status}`);
  const view = await waitFor("paid order", async () => {
    const o = (await (
      await fetch(`${t.url}/api/orders/${order.orderId}`, { headers: { authorization: `Bearer ${order.orderToken}` } })
    ).json()) as { status: string; tickets: Array<{ ticketId: string; code: string }> };
    return o.status === "paid" ? o : null;
  });
  return { ...order, ticketIds: view.tickets.map((x) => x.ticketId), ticketCode: view.tickets[0]?.code ?? "" };
}

export async function makeFixtures(t: TestApp): Promise<Fixtures> {
  const tier = { code: "GA", name: "General", priceCents: 1_000, capacity: 1_000, perOrderMax: 4 };
  const sale = await createEvent(t.url, testAdmin, {
    name: "Fuzz sale",
    status: "on_sale",
    classes: [tier],
    perks: [{ code: "P", name: "Poster", capacity: 5 }],
    waitingRoom: { perFanMax: 6 },
  });
  const draft = await createEvent(t.url, testAdmin, { name: "Fuzz draft", classes: [tier] });
  const classId = sale.classes[0]?.id ?? "";
  const [fanA, fanB, otherFan] = [await admitted(t, sale.id), await admitted(t, sale.id), await newSession(t.url)];
  const held = await placeHold(t, sale.id, classId, fanA);
  const paid = await pay(t, await placeHold(t, sale.id, classId, fanB));
  const users = {
    viewer: await createUser(t.url, "fuzz-viewer", "viewer"),
    scanner: await createUser(t.url, "fuzz-scanner", "scanner"),
  };
  const login = (u: { username: string; password: string }) => adminLogin(t.url, u.username, u.password);
  return {
    saleEventId: sale.id,
    draftEventId: draft.id,
    classId,
    fan: { fanId: fanA.fanId, fanToken: fanA.fanToken },
    otherFan,
    held,
    paid,
    users,
    admin: await login(testAdmin),
    viewer: await login(users.viewer),
    scanner: await login(users.scanner),
    spare: { admin: await login(testAdmin), viewer: await login(users.viewer), scanner: await login(users.scanner) },
  };
}
