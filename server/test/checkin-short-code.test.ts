// Goal: at the door a ticket's short code, typed any way a steward types it, gets the same
// answers as its QR code — admitted once, then "already checked in at <first time>", refused for
// another event, refused once refunded, unknown codes refused — five doors typing the same code
// at once admit exactly one person, and guessing codes is slowed to a crawl per scanner account.
import { beforeAll, describe, expect, it } from "vitest";
import { checkinShortCodeMissesPerMinuteMax } from "@stampede/shared/limits";
import { createPool } from "../src/adapters/postgres/pool.js";
import { AdminUsers } from "../src/services/admin/admin-users.js";
import { AdminUsersRepo } from "../src/adapters/postgres/admin-users-repo.js";
import { admittedFan, completePayment, hold, orderReaches, type OrderBody } from "./support/checkout.js";
import { basicAuth, createEvent } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const asAdmin = basicAuth(stackAdmin.username, stackAdmin.password);

const served = useStack();

interface Answer {
  status: number;
  body: {
    ticketId?: string;
    classCode?: string;
    checkedInAt?: string;
    firstScan?: boolean;
    error?: { code: string; details?: Record<string, unknown> };
  };
}

async function scan(code: string, extra: Record<string, unknown> = {}, auth = asAdmin): Promise<Answer> {
  const res = await fetch(`${served.url}/api/admin/checkin`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: auth },
    body: JSON.stringify({ code, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

async function sale(name: string): Promise<{ id: string; ga: string }> {
  const event = await createEvent(served.url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, perFanMax: 6 },
  });
  return { id: event.id, ga: (event.classes as unknown as Array<{ id: string }>)[0]!.id };
}

async function paidOrder(event: { id: string; ga: string }, quantity: number): Promise<OrderBody> {
  const f = await admittedFan(served.url, event.id);
  served.closeAfter(f);
  const held = await hold(served.url, f, event.id, [{ classId: event.ga, quantity }]);
  await completePayment(served.url, held.body.paymentUrl, "succeeded");
  return orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
}

/** The code as a hurried steward types it: lower case, no dash, 0 as o and 1 as l. */
const sloppy = (shortCode: string) =>
  shortCode.replace("-", "").toLowerCase().replaceAll("0", "o").replaceAll("1", "l");

let scanners = 0;
async function scanner(): Promise<string> {
  const pool = createPool(served.stack.db.url);
  try {
    const credentials = { username: `door-${(scanners += 1)}`, password: "door-password-123" };
    expect(
      await new AdminUsers(new AdminUsersRepo(pool)).create(credentials.username, credentials.password, "scanner"),
    ).toBeTruthy();
    return basicAuth(credentials.username, credentials.password);
  } finally {
    await pool.end();
  }
}

describe("check-in by short code", () => {
  let event: { id: string; ga: string };
  let order: OrderBody;
  beforeAll(async () => {
    event = await sale("Short code night");
    order = await paidOrder(event, 4);
  }, 60_000);

  it("shows each ticket a distinct short code in two groups of five", () => {
    const codes = order.tickets.map((t) => t.shortCode);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(new Set(codes).size).toBe(4);
  });

  it("admits the first scan however it is typed; the second, by short code or QR, gets the first time", async () => {
    const ticket = order.tickets[0]!;
    const first = await scan(` ${sloppy(ticket.shortCode)} `);
    expect(first).toMatchObject({ status: 200, body: { ticketId: ticket.ticketId, classCode: "GA", firstScan: true } });
    for (const again of [await scan(ticket.shortCode), await scan(ticket.code)]) {
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({
        code: "already_checked_in",
        details: { checkedInAt: first.body.checkedInAt, ticketId: ticket.ticketId },
      });
    }
  });

  it("refuses a ticket of another event without checking it in, then admits it at its own", async () => {
    const other = await sale("Another night");
    const ticket = order.tickets[1]!;
    const wrong = await scan(ticket.shortCode, { eventId: other.id });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: "wrong_event", details: { eventId: event.id, classCode: "GA" } });
    expect((await scan(ticket.code, { eventId: other.id })).body.error?.code).toBe("wrong_event");
    expect(await scan(ticket.shortCode, { eventId: event.id })).toMatchObject({
      status: 200,
      body: { firstScan: true },
    });
  });

  it("refuses unknown codes and a refunded ticket with 404 invalid_ticket", async () => {
    const refundedOrder = await paidOrder(event, 1);
    const refund = await fetch(`${served.url}/api/admin/orders/${refundedOrder.orderId}/refund`, {
      method: "POST",
      headers: { authorization: asAdmin },
    });
    expect(refund.status).toBe(200);
    const refunded = await scan(refundedOrder.tickets[0]!.shortCode);
    expect(refunded.status).toBe(404);
    expect(refunded.body.error).toMatchObject({ code: "invalid_ticket", details: { refunded: true } });
    const known = new Set(order.tickets.map((t) => t.shortCode.replace("-", "")));
    const unknown = ["ZZZZZZZZZZ", "0000000000"].find((c) => !known.has(c))!;
    for (const bad of [unknown, "K7QM2-XPD9", "UUUUU-UUUUU"]) {
      const answer = await scan(bad);
      expect(answer.status, bad).toBe(404);
      expect(answer.body.error?.code).toBe("invalid_ticket");
    }
    expect((await scan("x", { eventId: "not-an-id" })).status).toBe(422);
  });

  it("admits exactly one of five doors typing the same short code at once (five different codes: all five admitted)", async () => {
    const many = await paidOrder(event, 4);
    const more = await paidOrder(event, 1);
    const same = await Promise.all(Array.from({ length: 5 }, () => scan(many.tickets[0]!.shortCode)));
    expect(same.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const first = same.find((a) => a.status === 200)!;
    for (const later of same.filter((a) => a.status === 409))
      expect(later.body.error?.details?.checkedInAt).toBe(first.body.checkedInAt);
    // Negative control: five different tickets at once are all admitted (nothing serialises scans by accident).
    const different = await Promise.all(
      [...many.tickets.slice(1), ...more.tickets, order.tickets[2]!].map((t) => scan(t.shortCode)),
    );
    expect(different.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it(`stops a scanner account after ${checkinShortCodeMissesPerMinuteMax} unknown short codes a minute; other accounts and QR codes go on`, async () => {
    const guesser = await scanner();
    const ticket = (await paidOrder(event, 1)).tickets[0]!;
    for (let i = 0; i < checkinShortCodeMissesPerMinuteMax; i++) {
      expect((await scan(`ZZZZZ-ZZZ${String(i).padStart(2, "0")}`, {}, guesser)).status).toBe(404);
    }
    const refused = await scan(ticket.shortCode, {}, guesser);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limited");
    expect((await scan(ticket.code, {}, guesser)).status).toBe(200);
    expect((await scan(order.tickets[3]!.shortCode, {}, await scanner())).status).toBe(200);
  });
});
