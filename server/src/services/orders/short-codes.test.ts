// Goal: every ticket has a unique short code — tickets issued before short codes existed get one
// when the database migrates, a server of the previous release still issues tickets after the
// migration, and a fresh code that collides with an existing one is drawn again without failing
// the paid order's transaction. Against a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { normalizeShortCode } from "@stampede/shared/core/short-code";
import { uuidv7 } from "@stampede/shared/ids";
import { migrate, migrationsDir } from "../../adapters/postgres/migrate.js";
import { clientOf, transactionsOn } from "../../adapters/postgres/pool.js";
import { createTestDatabase, testPool, type TestDatabase } from "../../../test/support/services.js";
import { issueTickets } from "./fulfilment.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import { TicketCodes } from "./ticket-codes.js";

const shortCodeShape = /^[0-9A-HJKMNP-TV-Z]{10}$/;
let db: TestDatabase;
let pool: pg.Pool;
const eventId = uuidv7();
const classId = uuidv7();

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  // The schema as it was before short codes: migrations up to 0006 only.
  await runner({
    databaseUrl: db.url,
    dir: migrationsDir,
    direction: "up",
    count: 6,
    migrationsTable: "pgmigrations",
    log: () => {},
  });
  pool = testPool(db.url, 4);
  await pool.query("INSERT INTO events (id, slug, name) VALUES ($1, $2, 'Short codes')", [
    eventId,
    `short-codes-${eventId}`,
  ]);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function insertOrder(): Promise<OrderRecord> {
  const order: OrderRecord = {
    id: uuidv7(),
    eventId,
    fanId: uuidv7(),
    email: "fan@example.com",
    status: "paid",
    admissionJti: uuidv7(),
    holdId: uuidv7(),
    items: [{ classId, code: "GA", quantity: 3, unitPriceCents: 1_000 }],
    totalCents: 3_000,
    currency: "USD",
    orderTokenHash: "x",
    paymentProvider: "mockpay",
    paymentSessionId: null,
    paymentUrl: null,
    expiresAt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
    paidAt: null,
  };
  await pool.query(
    `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency, order_token_hash, expires_at)
     VALUES ($1, $2, $3, $4, 'paid', $5, $6, $7, $8, $9, $10, now())`,
    [
      order.id,
      eventId,
      order.fanId,
      order.email,
      order.admissionJti,
      order.holdId,
      JSON.stringify(order.items),
      order.totalCents,
      order.currency,
      order.orderTokenHash,
    ],
  );
  return order;
}

/** A ticket as the previous release wrote it: no short code named. */
async function insertOldTicket(orderId: string): Promise<void> {
  const id = uuidv7();
  await pool.query(
    "INSERT INTO tickets (id, order_id, event_id, class_id, class_code, code) VALUES ($1, $2, $3, $4, 'GA', $5)",
    [id, orderId, eventId, classId, `SP1.${id}`],
  );
}

async function shortCodes(): Promise<string[]> {
  return (await pool.query<{ short_code: string }>("SELECT short_code FROM tickets ORDER BY id")).rows.map(
    (r) => r.short_code,
  );
}

describe("ticket short codes in the database", () => {
  it("are backfilled for every ticket issued before them, unique, in the alphabet", async () => {
    const order = await insertOrder();
    for (let i = 0; i < 500; i++) await insertOldTicket(order.id);
    expect((await migrate(db.url))[0]).toBe("0007_ticket_short_codes"); // later migrations may follow it
    const codes = await shortCodes();
    expect(codes).toHaveLength(500);
    for (const code of codes) {
      expect(code).toMatch(shortCodeShape);
      expect(normalizeShortCode(code)).toBe(code);
    }
    expect(new Set(codes).size).toBe(500);
    // Every character of the alphabet turns up: the codes are not stuck on a few values.
    expect(new Set(codes.join("")).size).toBe(32);
  });

  it("are required and unique from then on; a server of the previous release still issues tickets", async () => {
    const order = await insertOrder();
    await insertOldTicket(order.id);
    const [taken] = await shortCodes();
    await expect(pool.query("UPDATE tickets SET short_code = NULL WHERE short_code = $1", [taken])).rejects.toThrow(
      /null value/,
    );
    await expect(pool.query("UPDATE tickets SET short_code = $1 WHERE short_code <> $1", [taken])).rejects.toThrow(
      /duplicate key/,
    );
    expect(await shortCodes()).toHaveLength(501);
  });

  it("draw again when a new ticket's code is taken, inside the payment's transaction, without failing it", async () => {
    const order = await insertOrder();
    const [taken] = await shortCodes();
    const fresh = ["AAAAAAAAA1", "AAAAAAAAA2", "AAAAAAAAA3"];
    // The first two draws collide: one with an older ticket, one with the order's own first ticket.
    const draws = [fresh[0]!, taken!, fresh[0]!, fresh[1]!, fresh[2]!];
    await transactionsOn(pool)(async (tx) => {
      await issueTickets(tx, new TicketCodes("short-code-test-secret-0123456789abcdef"), order, () => draws.shift()!);
      await clientOf(tx).query("UPDATE orders SET paid_at = now() WHERE id = $1", [order.id]); // the transaction is still usable
    });
    expect(draws).toEqual([]);
    const { rows } = await pool.query<{ short_code: string }>(
      "SELECT short_code FROM tickets WHERE order_id = $1 ORDER BY short_code",
      [order.id],
    );
    expect(rows.map((r) => r.short_code)).toEqual(fresh);
  });
});
