// How the conformance cases read what arrived (never used by production code): every delivery
// parsed by the adapter under test, as the shop's endpoint would, and waiting for an event — by
// looking at the deliveries, never by sleeping.
import { randomBytes } from "node:crypto";
import type {
  CreateSessionInput,
  ParsedDelivery,
  PaymentEvent,
  PaymentEventType,
} from "@stampede/shared/ports/payment-provider";
import { waitFor } from "../mockpay.js";
import type { ProviderUnderTest } from "./driver.js";
import type { Delivery } from "./receiver.js";

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface Parsed {
  delivery: Delivery;
  parsed: ParsedDelivery;
}

export function parse(under: ProviderUnderTest, d: { raw: Buffer; signature: string | undefined }) {
  return under.webhooks.parse(d.raw, d.signature, nowSeconds());
}

export async function parsedSince(under: ProviderUnderTest, since: number): Promise<Parsed[]> {
  const deliveries = under.receiver.deliveries.slice(since);
  return Promise.all(deliveries.map(async (delivery) => ({ delivery, parsed: await parse(under, delivery) })));
}

/** The shop's events about one session among the deliveries since `since`, one per delivery. */
export async function eventsOf(under: ProviderUnderTest, sessionId: string, since: number): Promise<PaymentEvent[]> {
  const parsed = await parsedSince(under, since);
  return parsed.flatMap(({ parsed: p }) =>
    p.kind === "event" && p.event.data.sessionId === sessionId ? [p.event] : [],
  );
}

export async function waitForEvent(
  under: ProviderUnderTest,
  sessionId: string,
  type: PaymentEventType,
  since: number,
): Promise<PaymentEvent> {
  let found: PaymentEvent | undefined;
  await waitFor(`a ${type} delivery for ${sessionId}`, async () => {
    found = (await eventsOf(under, sessionId, since)).find((e) => e.type === type);
    return found !== undefined;
  });
  return found!;
}

let orders = 0;

export function orderInput(over: Partial<CreateSessionInput> = {}): CreateSessionInput {
  const orderId = `conformance-${process.pid}-${++orders}-${randomBytes(3).toString("hex")}`;
  return {
    orderId,
    amountCents: 4_200,
    currency: "USD",
    description: "2 × General admission — Stampede Live",
    returnUrl: `http://shop.test/orders/${orderId}?lang=en#token=t0k`,
    payBy: new Date(Date.now() + 10 * 60_000).toISOString(),
    ...over,
  };
}
