// Goal: the checkout's load of one sale, read from real PostgreSQL: fans holding, fans who have
// ordered while still admitted (a declined or cancelled fan keeps its slot; a paid one too when
// paying does not end the admission; an order older than an admission's length does not count),
// orders taken, and when the next hold ends. Other events' orders never count (control).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { uuidv7 } from "@stampede/shared/ids";
import { createTestDatabase, testPool, type TestDatabase } from "../../../test/support/services.js";
import { CheckoutLoadRepo } from "./checkout-load-repo.js";

let db: TestDatabase;
let pool: pg.Pool;
const eventId = uuidv7();
const otherEventId = uuidv7();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 2);
  for (const id of [eventId, otherEventId]) {
    await pool.query("INSERT INTO events (id, slug, name) VALUES ($1, $2, 'Load')", [id, `load-${id}`]);
  }
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function order(
  event: string,
  status: string,
  opts: { fanId?: string; ageSeconds?: number; expiresInSeconds?: number } = {},
) {
  await pool.query(
    `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency, order_token_hash,
                         expires_at, created_at)
     VALUES ($1, $2, $3, 'fan@example.com', $4, $5, $6, '[]', 1000, 'USD', 'x',
             now() + make_interval(secs => $7), now() - make_interval(secs => $8))`,
    [
      uuidv7(),
      event,
      opts.fanId ?? uuidv7(),
      status,
      uuidv7(),
      uuidv7(),
      opts.expiresInSeconds ?? 60,
      opts.ageSeconds ?? 0,
    ],
  );
}

describe("CheckoutLoadRepo", () => {
  it("counts what the checkout holds of one sale", async () => {
    const repo = new CheckoutLoadRepo(pool);
    const admission = { ttlSeconds: 120, endsOnPaid: true };
    const none = { holding: 0, ordered: 0, orderedRecently: 0, ordersTaken: 0, nextHoldEndMs: null };
    expect(await repo.read(eventId, admission)).toEqual(none);
    const twice = uuidv7();
    await order(eventId, "held", { fanId: twice, expiresInSeconds: 30 });
    await order(eventId, "payment_failed", { fanId: twice });
    await order(eventId, "held", { expiresInSeconds: 90 });
    await order(eventId, "cancelled");
    await order(eventId, "paid");
    await order(eventId, "payment_failed", { ageSeconds: 300 }); // its admission is long over
    await order(eventId, "expired"); // its slot was freed when the hold ended
    await order(otherEventId, "held");
    const load = await repo.read(eventId, admission);
    // Lately: the fan who ordered twice, the other holder, the cancelled, the paid and the expired one (not the old one).
    expect(load).toMatchObject({ holding: 2, ordered: 3, orderedRecently: 5, ordersTaken: 3 });
    expect(load.nextHoldEndMs! - Date.now()).toBeGreaterThan(20_000);
    expect(load.nextHoldEndMs! - Date.now()).toBeLessThanOrEqual(30_000);
    // When paying does not end the admission, the paid fan still sits on a slot.
    expect((await repo.read(eventId, { ttlSeconds: 120, endsOnPaid: false })).ordered).toBe(4);
    // With a longer admission the old declined order counts too.
    expect((await repo.read(eventId, { ttlSeconds: 600, endsOnPaid: true })).ordered).toBe(4);
  });
});
