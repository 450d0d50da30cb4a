// Goal: money and tickets always agree. A late payment (webhook after the hold expired) whose
// settling transaction fails at COMMIT and is then re-delivered books its tickets exactly once,
// and the audit compares the ledger with the orders, so stock sold with no order behind it fails
// it, naming the tier and the difference.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planHold, planPost } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createLedger } from "../src/adapters/ledger.js";
import { admittedFan, completePayment, hold, orderReaches, type AdmittedFan } from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { testPool } from "./support/services.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

interface TierAudit {
  code: string;
  held: number;
  sold: number;
  ok: boolean;
  problems: string[];
  orders: { paid: number; held: number };
}
interface Audit {
  ok: boolean;
  classes: TierAudit[];
}

let stack: TestStack;
let url: string;
let db: pg.Pool;
let ledger: Ledger;
const fans: AdmittedFan[] = [];
const basic = basicAuth(stackAdmin.username, stackAdmin.password);

beforeAll(async () => {
  stack = await startStack();
  url = (await stack.addServer()).url;
  stack.addWorkers();
  db = testPool(stack.db.url, 2);
  ledger = createLedger("postgres", { databaseUrl: stack.db.url });
}, 60_000);

afterAll(async () => {
  for (const f of fans) f.close();
  await ledger?.close();
  await db?.end();
  await stack?.close();
});

async function audit(eventId: string): Promise<Audit> {
  return (await (
    await fetch(`${url}/api/admin/events/${eventId}/audit`, { headers: { authorization: basic } })
  ).json()) as Audit;
}

/** Test-only: the first COMMIT that marks this order paid fails (a deferred constraint trigger; a sequence counts across rollbacks). */
async function failFirstPaidCommit(orderId: string): Promise<void> {
  await db.query(`CREATE SEQUENCE test_commit_failures`);
  await db.query(`CREATE FUNCTION test_fail_paid_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = '${orderId}' AND NEW.status = 'paid' THEN
        IF nextval('test_commit_failures') = 1 THEN RAISE EXCEPTION 'injected commit failure'; END IF;
      END IF;
      RETURN NULL;
    END $$`);
  await db.query(
    `CREATE CONSTRAINT TRIGGER test_fail_paid AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW EXECUTE FUNCTION test_fail_paid_once()`,
  );
}

describe("late payment whose commit fails once, then re-delivered", () => {
  let event: { id: string; ga: string };

  it("books the tickets once: ledger sold equals the paid order's tickets, the audit is ok", async () => {
    const created = await createEvent(url, stackAdmin, {
      name: "Late retry",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 10 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, holdSeconds: 5 },
    });
    event = { id: created.id, ga: created.classes[0]!.id };
    const f = await admittedFan(url, event.id);
    fans.push(f);
    const held = await hold(url, f, event.id, [{ classId: event.ga, quantity: 2 }]);
    await orderReaches(url, held.body.orderId, held.body.orderToken, "expired", 45_000);
    await failFirstPaidCommit(held.body.orderId);

    expect((await completePayment(url, held.body.paymentUrl, "succeeded")).status).toBe(200);
    const paid = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid", 45_000);
    expect(paid.tickets).toHaveLength(2);
    // The injected failure really happened: the first commit failed, a later delivery committed.
    const { rows } = await db.query<{ last_value: string }>("SELECT last_value FROM test_commit_failures");
    expect(Number(rows[0]!.last_value)).toBeGreaterThanOrEqual(2);

    const result = await audit(event.id);
    expect(result.classes[0]).toMatchObject({ code: "GA", sold: 2, held: 0, orders: { paid: 2, held: 0 } });
    expect(result.ok).toBe(true);
  }, 120_000);

  it("fails the audit for a posted hold with no order, naming the tier and the difference", async () => {
    const { rows } = await db.query<{ ledger: string; per_fan_max: number }>(
      "SELECT ledger FROM events WHERE id = $1",
      [event.id],
    );
    const plan = planHold({
      ledger: Number(rows[0]!.ledger),
      holdId: uuidv7(),
      fanId: uuidv7(),
      perFanMax: 4,
      holdSeconds: 60,
      items: [{ tierId: event.ga, quantity: 1 }],
    });
    await ledger.createAccounts(plan.accounts);
    await ledger.createTransfers(plan.transfers);
    await ledger.createTransfers(planPost(plan.hold));

    const result = await waitFor("audit sees the stray sale", async () => {
      const a = await audit(event.id);
      return a.classes[0]!.sold === 3 ? a : null;
    });
    expect(result.ok).toBe(false);
    const ga = result.classes[0]!;
    expect(ga.ok).toBe(false);
    expect(ga.code).toBe("GA");
    expect(ga.problems.join("\n")).toMatch(/ledger sold 3 is 1 more than paid orders' tickets \(2\)/);
  }, 30_000);
});
