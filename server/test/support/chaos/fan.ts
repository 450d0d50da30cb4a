// One chaos fan from arrival to its outcome, through the public HTTP + Socket.IO contract only:
// queue, admission, a hold with an Idempotency-Key (retried with the same key on a network error,
// a 5xx or 409 request_in_progress; sent twice at once by a double-clicker, who must get one
// order), then what its plan says: pay, decline, abandon the hold, or pay after the hold expired.
// A fan that a fault stops (no answer before its deadline) is counted, not an error.
import { randomUUID } from "node:crypto";
import { send, sendWithRetries, type Reply } from "./fan-http.js";
import { admission, newQueueFan, type QueueFan } from "./fan-queue.js";
import type { FanPlan } from "./plan.js";
import { FanStopped, stop, type FanOutcome, type Tally } from "./tally.js";

export interface SaleEvent {
  id: string;
  classIds: string[];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Admissions lost (Redis) and waited for again, at most. */
const admissionRetriesMax = 3;

async function holdOnce(
  fan: QueueFan,
  event: SaleEvent,
  plan: FanPlan,
  token: string,
  key: string,
): Promise<Reply | null> {
  return sendWithRetries(
    fan.base,
    `/api/events/${event.id}/holds`,
    {
      method: "POST",
      auth: `Bearer ${fan.fanToken}`,
      headers: { "idempotency-key": key },
      body: {
        admissionToken: token,
        items: [{ classId: event.classIds[plan.tier]!, quantity: plan.quantity }],
        email: `fan${plan.index}@example.test`,
      },
    },
    fan.deadlineMs,
    fan.tally,
  );
}

/** The hold (twice at once for a double-clicker: both answers must name the same order). */
async function placeHold(fan: QueueFan, event: SaleEvent, plan: FanPlan, token: string): Promise<Reply | null> {
  const key = randomUUID();
  if (!plan.doubleClick) return holdOnce(fan, event, plan, token, key);
  fan.tally.doubleClicks++;
  const [a, b] = await Promise.all([holdOnce(fan, event, plan, token, key), holdOnce(fan, event, plan, token, key)]);
  if (a?.status === 201 && b?.status === 201 && a.json.orderId !== b.json.orderId) {
    fan.tally.doubleClickMismatches.push(
      `fan ${plan.index}: one Idempotency-Key gave orders ${a.json.orderId} and ${b.json.orderId}`,
    );
  }
  return a?.status === 201 ? a : b?.status === 201 ? b : a;
}

type Held = { kind: "held"; paymentUrl: string; expiresAt: string } | { kind: "sold_out" };

/** Admission then hold; an admission refused later (lost with Redis) is waited for again. */
async function admittedHold(fan: QueueFan, event: SaleEvent, plan: FanPlan): Promise<Held> {
  for (let attempt = 0; ; attempt++) {
    fan.tally.steps.set(plan.index, "queue");
    const admitted = await admission(fan);
    if (admitted.kind === "sold_out") return admitted;
    fan.tally.steps.set(plan.index, "hold");
    await pause(plan.thinkMs);
    const reply = await placeHold(fan, event, plan, admitted.token);
    if (reply?.status === 201) {
      return { kind: "held", paymentUrl: reply.json.paymentUrl as string, expiresAt: reply.json.expiresAt as string };
    }
    const code = reply?.json?.error?.code as string | undefined;
    if (code === "sold_out" || code === "insufficient_stock") return { kind: "sold_out" };
    if (code === "admission_required" && attempt < admissionRetriesMax) {
      fan.tally.admissionsLost++;
      continue;
    }
    stop(fan.tally, `hold answered ${reply?.status ?? "nothing"} ${code ?? ""}`.trim());
  }
}

/** Presses Pay or Decline on the MockPay page (retried like any call; a repeat finds it completed). */
async function complete(fan: QueueFan, paymentUrl: string, outcome: "succeeded" | "failed"): Promise<void> {
  const sessionId = new URL(paymentUrl).pathname.split("/").filter(Boolean).pop() ?? "";
  const path = `/mockpay/api/sessions/${sessionId}/complete`;
  const reply = await sendWithRetries(fan.base, path, { method: "POST", body: { outcome } }, fan.deadlineMs, fan.tally);
  if (reply?.status !== 200 && reply?.status !== 409)
    stop(fan.tally, `MockPay complete answered ${reply?.status ?? "nothing"}`);
}

async function visit(fan: QueueFan, event: SaleEvent, plan: FanPlan): Promise<FanOutcome> {
  const held = await admittedHold(fan, event, plan);
  if (held.kind === "sold_out") return "sold_out";
  fan.tally.steps.set(plan.index, plan.behaviour === "late" ? "waiting to pay late" : "paying");
  switch (plan.behaviour) {
    case "abandon":
      return "abandoned";
    case "decline":
      await pause(plan.thinkMs);
      await complete(fan, held.paymentUrl, "failed");
      return "declined";
    case "late":
      await pause(Math.max(0, Date.parse(held.expiresAt) - Date.now()) + plan.lateByMs);
      await complete(fan, held.paymentUrl, "succeeded");
      return "paid_late";
    case "pay":
      await pause(plan.thinkMs);
      await complete(fan, held.paymentUrl, "succeeded");
      return "paid";
  }
}

/** Closing the tab politely: the admission's checkout slot goes to the next fan now rather than
 * at the admission's expiry (a paid order has freed it already). One try: a fault leaves it to the expiry. */
async function leave(fan: QueueFan): Promise<void> {
  await send(fan.base, `/api/events/${fan.eventId}/queue`, { method: "DELETE", auth: `Bearer ${fan.fanToken}` });
  fan.close();
}

/** Runs one fan; never throws (a fault that stops it is counted). */
export async function runChaosFan(
  base: string,
  event: SaleEvent,
  plan: FanPlan,
  startedMs: number,
  lifetimeMs: number,
  tally: Tally,
): Promise<void> {
  tally.steps.set(plan.index, "arriving");
  await pause(Math.max(0, startedMs + plan.arriveAtMs - Date.now()));
  let fan: QueueFan | null = null;
  let outcome: FanOutcome = "stopped_by_fault";
  try {
    tally.steps.set(plan.index, "session");
    fan = await newQueueFan(base, event.id, Date.now() + lifetimeMs, tally);
    outcome = await visit(fan, event, plan);
  } catch (err) {
    if (!(err instanceof FanStopped)) throw err;
  } finally {
    if (fan) await leave(fan);
    tally.outcomes[outcome]++;
    tally.steps.delete(plan.index);
    tally.done++;
  }
}
