// Checkout steps for end-to-end tests: an admitted fan, a hold, a MockPay completion, waiting for
// the order to reach a status — each through the public contract.
import { connectFan, waitFor, type TestFan } from "./fans.js";

export interface AdmittedFan extends TestFan {
  admissionToken: string;
}

export async function admittedFan(url: string, eventId: string): Promise<AdmittedFan> {
  const fan = await connectFan(url);
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  const token = ack.data.admission?.token ?? (await waitFor("admission", () => fan.admitted.find((a) => a.eventId === eventId)?.token, 15_000));
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

export async function hold(url: string, fan: { fanToken: string; admissionToken: string }, eventId: string, items: Array<{ classId: string; quantity: number }>, headers: Record<string, string> = {}): Promise<HoldAnswer> {
  const res = await fetch(`${url}/api/events/${eventId}/holds`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}`, ...headers },
    body: JSON.stringify({ admissionToken: fan.admissionToken, items, email: "fan@example.test" }),
  });
  return { status: res.status, body: (await res.json()) as HoldAnswer["body"] };
}

export function sessionIdOf(paymentUrl: string): string {
  return new URL(paymentUrl).pathname.split("/").filter(Boolean).pop() ?? "";
}

export async function completePayment(url: string, paymentUrl: string, outcome: "succeeded" | "failed" | "canceled"): Promise<Response> {
  return fetch(`${url}/mockpay/api/sessions/${sessionIdOf(paymentUrl)}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
}

export interface OrderBody {
  orderId: string;
  status: string;
  tickets: Array<{ ticketId: string; classCode: string; code: string; shortCode: string; qrSvgUrl: string; qrPngUrl: string }>;
  perks: Array<{ code: string; name: string }>;
  [k: string]: unknown;
}

export async function getOrder(url: string, orderId: string, orderToken: string): Promise<OrderBody> {
  const res = await fetch(`${url}/api/orders/${orderId}`, { headers: { authorization: `Bearer ${orderToken}` } });
  if (res.status !== 200) throw new Error(`GET order answered ${res.status}`);
  return (await res.json()) as OrderBody;
}

export async function orderReaches(url: string, orderId: string, orderToken: string, status: string, timeoutMs = 15_000): Promise<OrderBody> {
  return waitFor(`order ${orderId} ${status}`, async () => {
    const o = await getOrder(url, orderId, orderToken);
    return o.status === status ? o : null;
  }, timeoutMs);
}

export async function stockOf(url: string, eventId: string): Promise<Array<{ code: string; available: number; held: number; sold: number; capacity: number }>> {
  const res = await fetch(`${url}/api/events/${eventId}`);
  return ((await res.json()) as { classes: Array<{ code: string; available: number; held: number; sold: number; capacity: number }> }).classes;
}

/** The audit endpoint's verdict: every tier adds up. */
export async function auditOk(url: string, eventId: string, basic: string): Promise<boolean> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/audit`, { headers: { authorization: basic } });
  return ((await res.json()) as { ok: boolean }).ok;
}
