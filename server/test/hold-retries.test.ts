// Goal (R9): kill -9 the server in the middle of a burst of keyed holds, start another, and let
// every fan retry with the same Idempotency-Key, as the checkout page does. Every fan ends with
// one order and its link: no key stays "in progress" forever, no hold is left in the ledger
// without an order, no fan holds twice. Real server, workers, Redis and PostgreSQL; the crash is
// a real SIGKILL. The control: the kill did cut requests off mid-flight — a second wave of holds
// is written to the server's sockets and the server killed before it can have answered them all
// (a kill timed only by the first answer could come after every answer on a loaded machine:
// coalesced holds are answered together).
import { request } from "node:http";
import { expect, it } from "vitest";
import { admittedFan, auditOk, stockOf, type AdmittedFan, type HoldAnswer } from "./support/checkout.js";
import { basicAuth, createEvent } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const leaseSeconds = 2;
const served = useStack({ IDEMPOTENCY_LEASE_SECONDS: String(leaseSeconds) });

type Try = { answer: HoldAnswer; retryAfterS: number } | { answer: null };

async function keyedHold(url: string, fan: AdmittedFan, eventId: string, classId: string, key: string): Promise<Try> {
  try {
    const res = await fetch(`${url}/api/events/${eventId}/holds`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}`, "idempotency-key": key },
      body: JSON.stringify({
        admissionToken: fan.admissionToken,
        items: [{ classId, quantity: 1 }],
        email: "fan@example.test",
      }),
    });
    const retryAfterS = Number(res.headers.get("retry-after") ?? 1);
    return { answer: { status: res.status, body: (await res.json()) as HoldAnswer["body"] }, retryAfterS };
  } catch {
    return { answer: null }; // the server died with the request in flight
  }
}

/** A keyed hold whose request bytes are known to be written (sent) before its answer (done). */
function sentHold(
  url: string,
  fan: AdmittedFan,
  eventId: string,
  classId: string,
  key: string,
): { sent: Promise<void>; done: Promise<Try> } {
  const body = JSON.stringify({
    admissionToken: fan.admissionToken,
    items: [{ classId, quantity: 1 }],
    email: "fan@example.test",
  });
  let markSent = () => {};
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const done = new Promise<Try>((resolve) => {
    const headers = {
      ...{ "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      ...{ authorization: `Bearer ${fan.fanToken}`, "idempotency-key": key },
    };
    const req = request(`${url}/api/events/${eventId}/holds`, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("error", () => resolve({ answer: null }));
      res.on("end", () => {
        try {
          const retryAfterS = Number(res.headers["retry-after"] ?? 1);
          resolve({
            answer: { status: res.statusCode ?? 0, body: JSON.parse(text) as HoldAnswer["body"] },
            retryAfterS,
          });
        } catch {
          resolve({ answer: null }); // cut off mid-answer
        }
      });
    });
    req.on("finish", markSent);
    req.on("error", () => {
      markSent();
      resolve({ answer: null });
    });
    req.end(body);
  });
  return { sent, done };
}

/** Retries with the same key, as the page does, until an answer that is not "try again". */
async function settle(
  url: string,
  fan: AdmittedFan,
  eventId: string,
  classId: string,
  key: string,
  seen: string[],
): Promise<HoldAnswer> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const t = await keyedHold(url, fan, eventId, classId, key);
    const code = t.answer?.body.error?.code ?? String(t.answer?.status ?? "no answer");
    seen.push(code);
    if (t.answer && t.answer.status < 500 && code !== "request_in_progress") return t.answer;
    if (Date.now() > deadline) throw new Error(`key ${key} still answers ${code} after 60 s`);
    await new Promise((r) => setTimeout(r, t.answer ? t.retryAfterS * 1000 : 200));
  }
}

it("kill -9 mid-burst: every fan who retries with the same key gets one hold and its link; nothing is stranded", async () => {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Crash mid-burst",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 10_000, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 600_000, maxActiveCheckouts: 1_000, perFanMax: 4, holdSeconds: 600 },
  });
  const classId = event.classes[0]!.id;
  const fans = await Promise.all(
    Array.from({ length: 150 }, () => admittedFan(served.url, event.id).then((f) => served.closeAfter(f))),
  );
  const first = served.stack.servers[0]!;
  // Wave one: a third of the fans. At its first 201 the server is working on holds: wave two is
  // written to it, and the moment its bytes are out, the server is killed.
  let firstHeld = () => {};
  const held = new Promise<void>((resolve) => (firstHeld = resolve));
  const waveOne = fans.slice(0, 50).map((fan, i) =>
    keyedHold(first.url, fan, event.id, classId, `key-${i}`).then((t) => {
      if (t.answer?.status === 201) firstHeld();
      return t;
    }),
  );
  await held;
  const waveTwo = fans.slice(50).map((fan, i) => sentHold(first.url, fan, event.id, classId, `key-${i + 50}`));
  await Promise.all(waveTwo.map((w) => w.sent));
  first.child.kill("SIGKILL");
  const firstRound = await Promise.all([...waveOne, ...waveTwo.map((w) => w.done)]);
  // Control: the kill cut requests off mid-flight (so some keys were claimed and never answered).
  const cutOff = firstRound.filter((t) => t.answer === null).length;
  expect(cutOff).toBeGreaterThan(0);

  const second = await served.stack.addServer();
  const seen: string[][] = fans.map(() => []);
  const answers = await Promise.all(
    fans.map((fan, i) => settle(second.url, fan, event.id, classId, `key-${i}`, seen[i]!)),
  );
  expect(answers.map((a) => a.status)).toEqual(fans.map(() => 201));
  // A fan answered before the kill gets that same order again.
  firstRound.forEach(
    (t, i) => t.answer?.status === 201 && expect(answers[i]!.body.orderId).toBe(t.answer.body.orderId),
  );

  // Each fan has exactly that one order, reachable with the token it was given.
  const mine = await Promise.all(
    fans.map(async (fan) => {
      const res = await fetch(`${second.url}/api/events/${event.id}/orders/mine`, {
        headers: { authorization: `Bearer ${fan.fanToken}` },
      });
      return ((await res.json()) as { orders: Array<{ orderId: string }> }).orders.map((o) => o.orderId);
    }),
  );
  expect(mine).toEqual(answers.map((a) => [a.body.orderId]));
  const openLink = (a: HoldAnswer) =>
    fetch(`${second.url}/api/orders/${a.body.orderId}`, { headers: { authorization: `Bearer ${a.body.orderToken}` } });
  const links = await Promise.all(answers.map(openLink));
  expect(links.map((r) => r.status)).toEqual(fans.map(() => 200));
  // No hold without an order: the ledger holds exactly one ticket per fan, and the audit agrees.
  expect((await stockOf(second.url, event.id))[0]).toMatchObject({ held: fans.length, sold: 0 });
  expect(await auditOk(second.url, event.id, basicAuth(stackAdmin.username, stackAdmin.password))).toBe(true);
}, 180_000);
