// Goal: a server without Stripe's keys refuses to start under NODE_ENV=production while an event
// takes payments with Stripe (its holds could not be paid, its refunds not made), and says so;
// outside production it starts with a warning; with no such event, or with the keys, it is quiet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventInput } from "@stampede/shared/api/events";
import { createTestDatabase, testPool, type TestDatabase } from "../test/support/services.js";
import { EventsRepo } from "./adapters/postgres/events-repo.js";
import { checkPaymentProviders, StartupError } from "./bootstrap.js";
import type { Pool } from "./adapters/postgres/pool.js";

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 2);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const stripe = { secretKey: "sk_test_abcdefgh", webhookSecrets: ["whsec_abcdefgh"], apiUrl: null };
const event = (paymentProvider: "mockpay" | "stripe") =>
  createEventInput.parse({
    name: `Paid with ${paymentProvider}`,
    paymentProvider,
    classes: [{ code: "GA", name: "GA", priceCents: 1, capacity: 1 }],
  });

describe("checkPaymentProviders", () => {
  it("is quiet while no event uses Stripe, and refuses production without the keys once one does", async () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    await new EventsRepo(pool).create(event("mockpay"));
    await checkPaymentProviders(pool, { env: "production", stripe: null }, warn);
    expect(warnings).toEqual([]);

    await new EventsRepo(pool).create(event("stripe"));
    const refused = await checkPaymentProviders(pool, { env: "production", stripe: null }, warn).catch((e) => e);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toBe(
      "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: not set, and 1 event(s) take payments with Stripe",
    );
    await checkPaymentProviders(pool, { env: "development", stripe: null }, warn);
    expect(warnings).toEqual([
      "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: not set, and 1 event(s) take payments with Stripe; " +
        "their holds are answered 503 until the keys are set",
    ]);
    await checkPaymentProviders(pool, { env: "production", stripe }, warn);
    expect(warnings).toHaveLength(1);
  });
});
