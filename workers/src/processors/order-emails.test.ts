// Goal: a sale's burst of paid orders is mailed in one sweep, paced at emailsPerSecondMax, not one
// batch of emailBatchMax per sweep period — on real PostgreSQL and the real .eml transport. Control:
// the sweep stops when a claim comes back short, and the next one finds nothing owed.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { uuidv7 } from "@stampede/shared/ids";
import { createMailTransport } from "@stampede/server/adapters/mail/transport";
import { OrderEmailsRepo } from "@stampede/server/adapters/postgres/order-emails-repo";
import { createLogger } from "@stampede/server/logger";
import { createTestDatabase, testPool, type TestDatabase } from "../../../server/test/support/services.js";
import { createOrderEmailSweep, emailBatchMax } from "./order-emails.js";
import type { ProcessorDeps } from "./types.js";

let db: TestDatabase;
let pool: pg.Pool;
let dir: string;
const eventId = uuidv7();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 4);
  dir = await mkdtemp(path.join(tmpdir(), "stampede-sweep-"));
  await pool.query("INSERT INTO events (id, slug, name) VALUES ($1, $2, 'Sweep')", [eventId, `sweep-${eventId}`]);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function paidOrders(n: number): Promise<void> {
  await pool.query(
    `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency,
       order_token_hash, expires_at)
     SELECT gen_random_uuid(), $1, gen_random_uuid(), 'fan@example.com', 'paid', gen_random_uuid(), gen_random_uuid(),
       '[]', 1000, 'USD', 'x', now()
     FROM generate_series(1, $2)`,
    [eventId, n],
  );
}

function sweep() {
  const mail = {
    emails: new OrderEmailsRepo(pool),
    transport: createMailTransport({
      smtpUrl: null,
      from: "t@example.com",
      fromConfigured: true,
      dir,
      sweepEveryMs: 1_000,
    }),
    from: "t@example.com",
    orderUrl: (orderId: string) => `http://127.0.0.1/orders/${orderId}`,
    sweepEveryMs: 1_000,
  };
  const deps = { logger: createLogger("silent", "test"), mail } as unknown as ProcessorDeps;
  return createOrderEmailSweep(deps);
}

describe("order emails sweep", () => {
  it("mails a burst longer than one batch in one sweep, and stops when a claim comes back short", async () => {
    await paidOrders(emailBatchMax * 2 + 5);
    const run = sweep();
    expect(await run({} as never, undefined)).toEqual({
      claimed: emailBatchMax * 2 + 5,
      sent: emailBatchMax * 2 + 5,
      failed: 0,
    });
    expect(await readdir(dir)).toHaveLength(emailBatchMax * 2 + 5);
    // Control: nothing left owing a message, the next sweep claims nothing.
    expect(await run({} as never, undefined)).toEqual({ claimed: 0, sent: 0, failed: 0 });
  });
});
