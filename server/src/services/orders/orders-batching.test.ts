// Goal: batching the hold path's writes changes no answer. Concurrent orders for one admission
// still yield exactly one held order (the partial unique index decides, also between rows of one
// multi-row statement), a bad row fails only its own caller, and one Idempotency-Key still runs
// its work once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "@stampede/shared/ids";
import { createPool, type Pool } from "../../adapters/postgres/pool.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/services.js";
import { errorStatus, type DomainError } from "../errors.js";
import { IdempotentRequests } from "./idempotency.js";
import { IdempotencyStore } from "../../adapters/postgres/idempotency-store.js";
import { OrdersRepo, type NewOrder } from "../../adapters/postgres/orders-repo.js";

let db: TestDatabase;
let pool: Pool;
const eventId = uuidv7();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url);
  await pool.query("INSERT INTO events (id, slug, name) VALUES ($1, 'batching', 'Batching')", [eventId]);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

function order(jti: string, overrides: Partial<NewOrder> = {}): NewOrder {
  const id = uuidv7();
  return {
    id,
    eventId,
    fanId: uuidv7(),
    email: "fan@example.test",
    admissionJti: jti,
    holdId: id,
    items: [{ classId: uuidv7(), code: "GA", quantity: 1, unitPriceCents: 100 }],
    totalCents: 100,
    currency: "USD",
    orderTokenHash: "h",
    paymentProvider: "mockpay",
    paymentSessionId: `ps_${id}`,
    paymentUrl: "http://pay.test",
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  };
}

describe("batched order writes", () => {
  it("lets exactly one of many concurrent orders of one admission hold, alongside other admissions", async () => {
    const repo = new OrdersRepo(pool);
    const same = Array.from({ length: 6 }, () => order("jti-shared"));
    const others = Array.from({ length: 20 }, (_, i) => order(`jti-${i}`));
    const results = await Promise.all([...same, ...others].map((o) => repo.insertHeld(o)));
    expect(results.slice(0, 6).filter(Boolean)).toHaveLength(1);
    expect(results.slice(6).every(Boolean)).toBe(true);
    expect(await Promise.all(["jti-shared", "jti-3", "jti-none"].map((j) => repo.hasActiveHold(j)))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("answers a bad row's caller alone with its error; the rest of the batch lands", async () => {
    const repo = new OrdersRepo(pool);
    const good = Array.from({ length: 5 }, (_, i) => order(`jti-good-${i}`));
    const bad = order("jti-bad", { eventId: uuidv7() }); // no such event: foreign key violation
    const results = await Promise.allSettled(
      [...good.slice(0, 2), bad, ...good.slice(2)].map((o) => repo.insertHeld(o)),
    );
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM orders WHERE admission_jti LIKE 'jti-good-%'");
    expect(rows[0].n).toBe(5);
  });

  /**
   * `requests` calls of run() at once, on the given keys. Each call's work waits until every call
   * has either reached its work or settled, so all of them are provably in flight together before
   * any work finishes, however slowly they arrive (and without a deadlock when all of them run).
   */
  async function gatedRace(requests: IdempotentRequests, fanId: string, keys: readonly string[]) {
    let runs = 0;
    let settled = 0;
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const check = () => runs + settled === keys.length && open();
    const work = async () => {
      runs++;
      check();
      await gate;
      return { status: 201, body: { ok: true } };
    };
    const calls = keys.map((key) =>
      requests.run(fanId, key, "hash", work).finally(() => {
        settled++;
        check();
      }),
    );
    const answers = await Promise.allSettled(calls);
    return { runs, answers, work };
  }

  it("runs the work of one Idempotency-Key once when many requests race", async () => {
    const requests = new IdempotentRequests(new IdempotencyStore(pool), { leaseMs: 30_000 });
    const fanId = uuidv7();
    const { runs, answers, work } = await gatedRace(requests, fanId, Array(8).fill("key-1"));
    expect(runs).toBe(1);
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    // The other seven came while the first was still at work: told so, not given a second run.
    const refused = answers.flatMap((a) => (a.status === "rejected" ? [a.reason as DomainError] : []));
    const inProgress = "a request with this Idempotency-Key is still in progress; retry with the same key";
    expect(refused.map((e) => [errorStatus[e.code], e.message])).toEqual(Array(7).fill([409, inProgress]));
    const replay = await requests.run(fanId, "key-1", "hash", work);
    expect(replay).toEqual({ status: 201, body: { ok: true } });
  });

  it("negative control: the same race on eight different keys runs the work eight times", async () => {
    const requests = new IdempotentRequests(new IdempotencyStore(pool), { leaseMs: 30_000 });
    const { runs, answers } = await gatedRace(
      requests,
      uuidv7(),
      Array.from({ length: 8 }, (_, i) => `key-${i}`),
    );
    expect(runs).toBe(8);
    expect(answers.every((a) => a.status === "fulfilled")).toBe(true);
  });
});
