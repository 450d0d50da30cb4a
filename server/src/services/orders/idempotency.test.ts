// Goal: an Idempotency-Key is never stuck. A request that died mid-work leaves its key in
// progress only until its lease ends; the retry then resumes the same order id (so the ledger
// answers `exists`, one hold). A failure that may have placed the hold resumes at once; one that
// certainly placed nothing frees the key for a new order id. Old keys are pruned. Real
// PostgreSQL; the clock is the test's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "@stampede/shared/ids";
import { createPool, type Pool } from "../../adapters/postgres/pool.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/services.js";
import { DomainError, errorStatus } from "../errors.js";
import { pruneHoldRequests } from "../../adapters/postgres/hold-requests.js";
import { IdempotencyStore } from "../../adapters/postgres/idempotency-store.js";
import { IdempotentRequests, nothingHeld, type HoldAttempt } from "./idempotency.js";

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

const leaseMs = 30_000;
function requestsAt(clock: { ms: number }) {
  return new IdempotentRequests(new IdempotencyStore(pool), { leaseMs, now: () => clock.ms });
}

/** Claims a key and never finishes (the process died): resolves with the attempt it was given. */
function dieMidWork(requests: IdempotentRequests, fanId: string, key: string): Promise<HoldAttempt> {
  return new Promise((resolve) => {
    void requests.run(fanId, key, "hash", (attempt) => {
      resolve(attempt);
      return new Promise(() => {});
    });
  });
}

const answerWith = (seen: HoldAttempt[]) => async (attempt: HoldAttempt) => {
  seen.push(attempt);
  return { status: 201, body: { orderId: attempt.orderId } };
};

describe("Idempotency-Key leases", () => {
  it("a key whose request died is in progress until its lease ends, then resumed with the same order id", async () => {
    const clock = { ms: Date.now() };
    const requests = requestsAt(clock);
    const fanId = uuidv7();
    const died = await dieMidWork(requests, fanId, "k");
    expect(died.resumed).toBe(false);
    const seen: HoldAttempt[] = [];
    clock.ms += leaseMs - 1_000;
    const early = await requests.run(fanId, "k", "hash", answerWith(seen)).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(DomainError);
    const { code, retryAfterSeconds } = early as DomainError;
    expect([errorStatus[code], retryAfterSeconds]).toEqual([409, 1]);
    expect(seen).toEqual([]);
    clock.ms += 2_000;
    expect(await requests.run(fanId, "k", "hash", answerWith(seen))).toEqual({
      status: 201,
      body: { orderId: died.orderId },
    });
    expect(seen).toEqual([{ orderId: died.orderId, resumed: true }]);
    // Answered now: every later repeat gets that answer and runs nothing.
    clock.ms += leaseMs * 10;
    expect(await requests.run(fanId, "k", "hash", answerWith(seen))).toEqual({
      status: 201,
      body: { orderId: died.orderId },
    });
    expect(seen).toHaveLength(1);
  });

  it("a different request body never takes a key over", async () => {
    const clock = { ms: Date.now() };
    const requests = requestsAt(clock);
    const fanId = uuidv7();
    await dieMidWork(requests, fanId, "k");
    clock.ms += leaseMs * 2;
    const other = await requests.run(fanId, "k", "other-hash", answerWith([])).catch((e: unknown) => e);
    expect(errorStatus[(other as DomainError).code]).toBe(422);
  });

  it("after a failure that may have placed the hold, the retry resumes the same order id at once", async () => {
    const requests = requestsAt({ ms: Date.now() });
    const fanId = uuidv7();
    const first: HoldAttempt[] = [];
    const failed = requests.run(fanId, "k", "hash", async (attempt) => {
      first.push(attempt);
      throw new Error("the ledger did not answer");
    });
    await expect(failed).rejects.toThrow("the ledger did not answer");
    const seen: HoldAttempt[] = [];
    await requests.run(fanId, "k", "hash", answerWith(seen));
    expect(seen).toEqual([{ orderId: first[0]!.orderId, resumed: true }]);
  });

  it("after a failure that certainly held nothing, the retry starts afresh with a new order id (control)", async () => {
    const requests = requestsAt({ ms: Date.now() });
    const fanId = uuidv7();
    const first: HoldAttempt[] = [];
    const failed = requests.run(fanId, "k", "hash", async (attempt) => {
      first.push(attempt);
      throw nothingHeld(new Error("voided"));
    });
    await expect(failed).rejects.toThrow("voided");
    const seen: HoldAttempt[] = [];
    await requests.run(fanId, "k", "hash", answerWith(seen));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.resumed).toBe(false);
    expect(seen[0]!.orderId).not.toBe(first[0]!.orderId);
  });

  it("prunes keys claimed before a time, and only those", async () => {
    const requests = requestsAt({ ms: Date.now() });
    const fanId = uuidv7();
    await requests.run(fanId, "old", "hash", answerWith([]));
    await pool.query(
      "UPDATE hold_requests SET created_at = now() - interval '2 days' WHERE fan_id = $1 AND key = 'old'",
      [fanId],
    );
    await requests.run(fanId, "new", "hash", answerWith([]));
    expect(await pruneHoldRequests(pool, new Date(Date.now() - 86_400_000), 1_000)).toBe(1);
    const { rows } = await pool.query("SELECT key FROM hold_requests WHERE fan_id = $1", [fanId]);
    expect(rows.map((r) => r.key)).toEqual(["new"]);
  });
});
