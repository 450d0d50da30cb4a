// Goal: self-tuning admission on a real server. With the checkout healthy the room climbs to its
// ceiling (by the slowest climb: the fans in line never hold, so the pace of holds gives nothing);
// when payment settlement slows down (latency injected on the settlement pool's database
// connections only, through a TCP proxy) the room cuts its rate in the very step that reads the lag
// (named settlementLagMs); once settlement is fast again the rate climbs back to the ceiling. A
// manual event in the same sale keeps its fixed rate throughout (control).
// Nothing is decided by a sleep: each phase waits for the queue:status frames that show it, and the
// controller's own log says what it read at the step it cut.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueueStatus } from "@stampede/shared/protocol";
import { admittedFan, completePayment, hold, orderReaches, type AdmittedFan } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, newSession, waitFor, type TestFan } from "./support/fans.js";
import { testPostgresBase } from "./support/services.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import { proxyPostgresPool, viaProxy, type TcpProxy } from "./support/tcp-proxy.js";

const ceiling = 1_200;
const manualRate = 900;
const crowd = 1_500;

let stack: TestStack;
let proxy: TcpProxy;
let url: string;
const sockets: Array<TestFan | AdmittedFan> = [];

beforeAll(async () => {
  proxy = await proxyPostgresPool(testPostgresBase, "stampede-settlement");
  stack = await startStack({ PRESENCE_GRACE_SECONDS: "600" });
  url = (await stack.addServer({ DATABASE_URL: viaProxy(stack.db.url, proxy) })).url;
  stack.addWorkers(); // delivers MockPay's webhooks
}, 120_000);

afterAll(async () => {
  sockets.splice(0).forEach((s) => s.close());
  await stack?.close();
  await proxy?.close();
});

const sale = (name: string, waitingRoom: Record<string, unknown>) =>
  createEvent(url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 5_000, perOrderMax: 4 }],
    waitingRoom: { maxActiveCheckouts: 5_000, perFanMax: 4, holdSeconds: 600, ...waitingRoom },
  });

/** Fans in line with no socket (REST joins), so the room always has someone waiting. */
async function fillLine(eventId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, async () => {
        const { fanToken } = await newSession(url);
        const res = await fetch(`${url}/api/events/${eventId}/queue`, {
          method: "POST",
          headers: { authorization: `Bearer ${fanToken}` },
        });
        if (res.status !== 200) throw new Error(`join answered ${res.status}`);
      }),
    );
  }
}

async function watcher(eventId: string): Promise<TestFan> {
  const fan = await connectFan(url);
  sockets.push(fan);
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return fan;
}

/** The first frame from index `from` on that passes, and its index. */
async function frame(fan: TestFan, from: number, what: string, test: (s: QueueStatus) => boolean): Promise<number> {
  return waitFor(
    what,
    () => {
      const i = fan.statuses.findIndex((s, j) => j >= from && test(s));
      return i === -1 ? null : i + 1;
    },
    60_000,
  ).then((i) => i - 1);
}

interface SteerPoint {
  atMs: number;
  ratePerMinute: number;
  reason: string;
  settlementLagMs: number | null;
}

async function steps(eventId: string): Promise<SteerPoint[]> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/admission`, {
    headers: { authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
  });
  return ((await res.json()) as { history: SteerPoint[] }).history;
}

describe("auto admission", () => {
  it("climbs to the ceiling, cuts when settlement lags, and climbs back once it is fast again", async () => {
    const auto = await sale("Auto", {
      admission: "auto",
      admitPerMinute: 960,
      admitPerMinuteFloor: 30,
      admitPerMinuteCeiling: ceiling,
    });
    const manual = await sale("Manual", { admitPerMinute: manualRate });
    // The buyer joins first (admitted in the first tick); the watchers join after the crowd.
    const buyer = await admittedFan(url, auto.id);
    sockets.push(buyer);
    await fillLine(auto.id, crowd);
    await fillLine(manual.id, 200);
    const [fan, control] = await Promise.all([watcher(auto.id), watcher(manual.id)]);

    const atCeiling = await frame(
      fan,
      0,
      "the auto room at its ceiling",
      (s) => s.admission === "auto" && s.admitPerMinute === ceiling,
    );

    proxy.setLatency("down", 2_500);
    const held = await hold(url, buyer, auto.id, [{ classId: auto.classes[0]!.id, quantity: 1 }]);
    expect(held.status).toBe(201);
    expect((await completePayment(url, held.body.paymentUrl, "succeeded")).status).toBe(200);
    const controlFrom = control.statuses.length;
    const cut = await frame(fan, atCeiling, "a cut while settlement lags", (s) => s.admitPerMinute < ceiling);

    proxy.setLatency("down", 0);
    await orderReaches(url, held.body.orderId, held.body.orderToken, "paid", 60_000);
    await frame(fan, cut, "back at the ceiling", (s) => s.admitPerMinute === ceiling);

    // The controller cut in the step that read the lag, and said why.
    const log = await steps(auto.id);
    const firstLagging = log.findIndex((p) => (p.settlementLagMs ?? 0) > 4_000);
    expect(firstLagging).toBeGreaterThan(0);
    expect(log[firstLagging]).toMatchObject({ reason: "settlementLagMs" });
    expect(log[firstLagging]!.ratePerMinute).toBeLessThan(log[firstLagging - 1]!.ratePerMinute);
    expect(log.slice(firstLagging).some((p) => ["recovering", "pacing", "ceiling"].includes(p.reason))).toBe(true);
    // Control: the manual room kept its operator's rate all along.
    expect(new Set(control.statuses.slice(controlFrom).map((s) => [s.admission, s.admitPerMinute].join(" ")))).toEqual(
      new Set([`manual ${manualRate}`]),
    );
  }, 180_000);
});
