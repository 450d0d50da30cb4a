// Goal: fair resale against a real server. A sale sells out with fans still in line; a ticket listed
// then is offered to the line first: the open marketplace is refused (403 admission_required, for a
// signed-in fan outside the line and for the second in line without an admission), the room admits
// the first fan in line — one fan for one ticket, not the second — and that fan buys it with their
// admission. Control: a ticket listed while the sale is not sold out goes straight to the open
// marketplace (no queueUntil), and anyone signed in may buy it.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { completePayment } from "./support/checkout.js";
import { connectFan, waitFor, type TestFan } from "./support/fans.js";
import { useStack } from "./support/use-stack.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";
import { call, type Device } from "./support/devices.js";
import { resaleHelpers } from "./support/resale.js";

const served = useStack();
afterEach(async () => {
  await expectAnswersMatchSchemas(served);
});
const sockets: TestFan[] = [];
afterAll(() => sockets.forEach((s) => s.close()));
const { signedUp, resaleEvent, sellerWithTickets } = resaleHelpers(() => served.url, sockets);
const as = (d: Device, method: string, path: string, body?: unknown) => call(served.url, d, method, path, body);

const eventStatus = async (eventId: string) =>
  ((await (await fetch(`${served.url}/api/events/${eventId}`)).json()) as { status: string }).status;

/** A signed-up fan in the event's line over a socket (their account's fan identity). */
async function inLine(name: string, eventId: string) {
  const fan = await signedUp(name);
  const socket = await connectFan(served.url, fan.session);
  sockets.push(socket);
  const ack = await socket.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  // In line with a number; the room says sold out (the sale's state), which it is.
  expect([ack.data.state, typeof ack.data.queueNumber]).toEqual(["sold_out", "number"]);
  return { ...fan, socket, queueNumber: ack.data.queueNumber as number };
}

describe("fair resale", () => {
  it("sold out with fans in line: a listed ticket goes to the first in line, before the open marketplace", async () => {
    const sale = await resaleEvent("Fair resale night", { capacity: 2 });
    const seller = await sellerWithTickets(sale);
    await waitFor("sold out", async () => (await eventStatus(sale.eventId)) === "sold_out");
    const first = await inLine("first", sale.eventId);
    const second = await inLine("second", sale.eventId);
    const outsider = await signedUp("outsider");
    expect(first.queueNumber).toBeLessThan(second.queueNumber);

    const ticketId = seller.order.tickets[0]!.ticketId;
    const listed = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents: 5_000 });
    expect(listed.status).toBe(201);
    expect(listed.body.queueUntil).not.toBeNull();
    const buyPath = `/api/resale/listings/${listed.body.listingId}/buy`;
    for (const who of [outsider, second]) {
      const refused = await as(who.device, "POST", buyPath, {});
      expect([refused.status, refused.body.error.code]).toEqual([403, "admission_required"]);
    }

    const admission = await waitFor("first in line admitted", () =>
      first.socket.admitted.find((a) => a.eventId === sale.eventId),
    );
    // Two more ticks of the room after it: the second in line is still waiting (one ticket, one fan).
    const seen = second.socket.statuses.length;
    await waitFor("two more ticks", () => second.socket.statuses.length >= seen + 2);
    expect(second.socket.admitted).toEqual([]);

    const bought = await as(first.device, "POST", buyPath, { admissionToken: admission.token });
    expect(bought.status).toBe(201);
    await completePayment(served.url, bought.body.paymentUrl, "succeeded");
    await waitFor("first fan's purchase paid", async () => {
      const p = await as(first.device, "GET", `/api/resale/purchases/${bought.body.purchaseId}`);
      return p.body.status === "paid";
    });
  });

  it("control: listed while the sale is on, a ticket is on the open marketplace at once", async () => {
    const sale = await resaleEvent("Open resale night");
    const seller = await sellerWithTickets(sale);
    const buyer = await signedUp("open-buyer");
    const ticketId = seller.order.tickets[0]!.ticketId;
    const listed = await as(seller.device, "POST", "/api/resale/listings", { ticketId, priceCents: 5_000 });
    expect([listed.status, listed.body.queueUntil]).toEqual([201, null]);
    const bought = await as(buyer.device, "POST", `/api/resale/listings/${listed.body.listingId}/buy`, {});
    expect(bought.status).toBe(201);
  });
});
