// Goal: the order emails' work list on real PostgreSQL — only paid-and-unconfirmed and
// refunded-and-untold orders are claimed, each by one claimer at a time while its lease runs
// (negative control: with no lease, a second claim takes the same orders again), a failure waits
// its backoff, a stamp takes the order off the list, and the claim reads the partial index.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { uuidv7 } from "@stampede/shared/ids";
import { createTestDatabase, testPool, type TestDatabase } from "../../../test/support/services.js";
import { claimSql, OrderEmailsRepo } from "./order-emails-repo.js";

let db: TestDatabase;
let pool: pg.Pool;
let repo: OrderEmailsRepo;
const eventId = uuidv7();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 8);
  repo = new OrderEmailsRepo(pool);
  await pool.query("INSERT INTO events (id, slug, name) VALUES ($1, $2, 'Mail')", [eventId, `mail-${eventId}`]);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function order(status: string): Promise<string> {
  const id = uuidv7();
  await pool.query(
    `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency,
       order_token_hash, expires_at)
     VALUES ($1, $2, $3, 'fan@example.com', $4, $5, $6, '[]', 1000, 'USD', 'x', now())`,
    [id, eventId, uuidv7(), status, uuidv7(), uuidv7()],
  );
  return id;
}

const ids = (claimed: Array<{ orderId: string }>) => claimed.map((c) => c.orderId).sort();

describe("OrderEmailsRepo", () => {
  it("claims only orders owing a message, each once while its lease runs, until stamped", async () => {
    const paid = await order("paid");
    const refunded = await order("refunded");
    for (const status of ["held", "expired", "cancelled", "payment_failed"]) await order(status);

    // Eight claimers at once: between them, each order exactly once.
    const claims = await Promise.all(Array.from({ length: 8 }, () => repo.claimDue(10, 60_000)));
    const all = claims.flat();
    expect(ids(all)).toEqual([paid, refunded].sort());
    expect(all.find((c) => c.orderId === paid)?.kind).toBe("confirmation");
    expect(all.find((c) => c.orderId === refunded)?.kind).toBe("refund_notice");
    expect(await repo.claimDue(10, 60_000)).toEqual([]);

    // A failure waits its backoff (here none) and counts; a stamp ends it.
    await repo.markFailed(paid, "451 try later", 0);
    expect(await repo.claimDue(10, 60_000)).toEqual([{ orderId: paid, kind: "confirmation", attempts: 1 }]);
    await repo.markSent(paid, "confirmation");
    await repo.markSent(refunded, "refund_notice");
    await pool.query("UPDATE orders SET email_due_at = NULL");
    expect(await repo.claimDue(10, 60_000)).toEqual([]);

    // Refunded after its confirmation went out: owes the notice now, and only that.
    await pool.query("UPDATE orders SET status = 'refunded' WHERE id = $1", [paid]);
    expect(await repo.claimDue(10, 60_000)).toEqual([{ orderId: paid, kind: "refund_notice", attempts: 0 }]);
    await repo.markSent(paid, "refund_notice");
  });

  it("negative control: with no lease, a second claim takes the same orders again", async () => {
    const paid = await order("paid");
    expect(ids(await repo.claimDue(10, 0))).toEqual([paid]);
    expect(ids(await repo.claimDue(10, 0))).toEqual([paid]);
    await repo.markSent(paid, "confirmation");
  });

  it("bounds a claim and reads the partial index, not the orders table", async () => {
    const owing = await Promise.all(Array.from({ length: 5 }, () => order("paid")));
    expect(await repo.claimDue(3, 60_000)).toHaveLength(3);
    await pool.query("UPDATE orders SET email_due_at = NULL WHERE id = ANY($1)", [owing]);
    const client = await pool.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${claimSql}`, [20, 60_000]);
      expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("orders_email_due");
    } finally {
      client.release();
    }
  });
});
