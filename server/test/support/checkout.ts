// Checkout steps for end-to-end tests: an admitted fan, a hold, a MockPay completion, waiting for
// the order to reach a status — each through the public contract.
import { connectFan, createEvent, waitFor, type TestFan } from "./fans.js";
import { stackAdmin } from "./stack.js";

export interface AdmittedFan extends TestFan {
  admissionToken: string;
}

export async function admittedFan(url: string, eventId: string): Promise<AdmittedFan> {
  const fan = await connectFan(url);
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  const token =
    ack.data.admission?.token ??
    (await waitFor("admission", () => fan.admitted.find((a) => a.eventId === eventId)?.token, 15_000));
  return Object.assign(fan, { admissionToken: token });
}

export interface HoldAnswer {
  status: number;
  body: {
    orderId: string;
    orderToken: string;
    paymentUrl: string;
    expiresAt: string;
    totalCents: number;
    error?: { code: string; message: string };
  };
}

export async function hold(
  url: string,
  fan: { fanToken: string; admissionToken: string },
  eventId: string,
  items: Array<{ classId: string; quantity: number }>,
  headers: Record<string, string> = {},
): Promise<HoldAnswer> {
  const res = await fetch(`${url}/api/events/${eventId}/holds`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}`, ...headers },
    body: JSON.stringify({ admissionToken: fan.admissionToken, items, email: "fan@example.test" }),
  });
  return { status: res.status, body: (await res.json()) as HoldAnswer["body"] };
}

/** An answer with the Retry-After it carried (NaN without one). */
export interface TimedAnswer {
  status: number;
  body: HoldAnswer["body"];
  retryAfterS: number;
}

/** POST as a fan. The client gives up after 30 s: an API that hangs fails the test. */
export async function postAsFan(
  url: string,
  path: string,
  fanToken: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TimedAnswer> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fanToken}`, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const retryAfterS = Number(res.headers.get("retry-after") ?? "NaN");
  return { status: res.status, body: (await res.json()) as HoldAnswer["body"], retryAfterS };
}

/** The body of a hold of `quantity` tickets of one class with the fan's admission. */
export const holdBody = (fan: { admissionToken: string }, classId: string, quantity: number) => ({
  admissionToken: fan.admissionToken,
  items: [{ classId, quantity }],
  email: "fan@example.test",
});

export function sessionIdOf(paymentUrl: string): string {
  return new URL(paymentUrl).pathname.split("/").filter(Boolean).pop() ?? "";
}

export async function completePayment(
  url: string,
  paymentUrl: string,
  outcome: "succeeded" | "failed" | "canceled",
): Promise<Response> {
  return fetch(`${url}/mockpay/api/sessions/${sessionIdOf(paymentUrl)}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
}

export interface OrderBody {
  orderId: string;
  status: string;
  tickets: Array<{
    ticketId: string;
    classCode: string;
    code: string;
    shortCode: string;
    qrSvgUrl: string;
    qrPngUrl: string;
  }>;
  perks: Array<{ code: string; name: string }>;
  [k: string]: unknown;
}

export async function getOrder(url: string, orderId: string, orderToken: string): Promise<OrderBody> {
  const res = await fetch(`${url}/api/orders/${orderId}`, { headers: { authorization: `Bearer ${orderToken}` } });
  if (res.status !== 200) throw new Error(`GET order answered ${res.status}`);
  return (await res.json()) as OrderBody;
}

export async function orderReaches(
  url: string,
  orderId: string,
  orderToken: string,
  status: string,
  timeoutMs = 15_000,
): Promise<OrderBody> {
  return waitFor(
    `order ${orderId} ${status}`,
    async () => {
      const o = await getOrder(url, orderId, orderToken);
      return o.status === status ? o : null;
    },
    timeoutMs,
  );
}

export async function stockOf(
  url: string,
  eventId: string,
): Promise<Array<{ code: string; available: number; held: number; sold: number; capacity: number }>> {
  const res = await fetch(`${url}/api/events/${eventId}`);
  return (
    (await res.json()) as {
      classes: Array<{ code: string; available: number; held: number; sold: number; capacity: number }>;
    }
  ).classes;
}

/** The audit endpoint's verdict: every tier adds up. */
export async function auditOk(url: string, eventId: string, basic: string): Promise<boolean> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/audit`, { headers: { authorization: basic } });
  return ((await res.json()) as { ok: boolean }).ok;
}

/** An event on sale now with one class (GA, 100 tickets, up to 4 per order and per fan), admitting at once. */
export async function gaSale(url: string, name: string): Promise<{ eventId: string; classId: string }> {
  const event = await createEvent(url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, perFanMax: 4, holdSeconds: 600 },
  });
  return { eventId: event.id, classId: event.classes[0]!.id };
}
