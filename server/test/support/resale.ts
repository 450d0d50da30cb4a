// Resale tests' fixtures against a running server: fans signed up to fresh accounts (each on its own
// device), an on-sale event with resale on, and a seller holding two paid tickets. `url` is read
// when a helper runs (a stack's server gets its port once the file's tests start); admitted fans'
// sockets go to `sockets`, for the test file to close.
import { expect } from "vitest";
import { completePayment, hold, orderReaches } from "./checkout.js";
import { basicAuth, createEvent, type TestFan } from "./fans.js";
import { stackAdmin } from "./stack.js";
import { admitted, call, device } from "./devices.js";

export interface ResaleSale {
  eventId: string;
  classId: string;
}

export function resaleHelpers(url: () => string, sockets: TestFan[]) {
  const admin = basicAuth(stackAdmin.username, stackAdmin.password);

  /** A device signed up to a fresh account; its fan session is the account's. */
  async function signedUp(name: string) {
    const d = device();
    const email = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
    const res = await call(url(), d, "POST", "/api/account/signup", { email, password: "correct horse battery" });
    expect(res.status).toBe(201);
    return { device: d, email, session: { fanId: res.body.fanId as string, fanToken: res.body.fanToken as string } };
  }

  /** An on-sale event (GA at 50.00, ten of them, four per fan) with resale on: cap 100 %, fee 10 %, lock 60 s. */
  async function resaleEvent(name: string, options: { capacity?: number } = {}): Promise<ResaleSale> {
    const event = await createEvent(url(), stackAdmin, {
      name,
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 5_000, capacity: options.capacity ?? 10, perOrderMax: 4 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100, perFanMax: 4, holdSeconds: 600 },
    });
    const settings = { enabled: true, priceCapPercent: 100, feePercent: 10, lockSeconds: 60 };
    const put = await fetch(`${url()}/api/admin/events/${event.id}/resale`, {
      method: "PUT",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify(settings),
    });
    expect([put.status, await put.json()]).toEqual([200, settings]);
    return { eventId: event.id, classId: event.classes[0]!.id };
  }

  /** The seller: signed up, two GA tickets bought and paid. */
  async function sellerWithTickets(sale: ResaleSale, name = "seller") {
    const seller = await signedUp(name);
    const fan = await admitted(url(), seller.session, sale.eventId, sockets);
    const held = await hold(url(), fan, sale.eventId, [{ classId: sale.classId, quantity: 2 }]);
    expect(held.status).toBe(201);
    await completePayment(url(), held.body.paymentUrl, "succeeded");
    const order = await orderReaches(url(), held.body.orderId, held.body.orderToken, "paid");
    return { ...seller, order, orderToken: held.body.orderToken as string };
  }

  return { signedUp, resaleEvent, sellerWithTickets };
}
