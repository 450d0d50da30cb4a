// Idempotent hold requests: the same Idempotency-Key from the same fan returns the first answer
// and creates nothing new. The key is claimed before the work starts, together with the order id
// the work will place, so two concurrent requests with one key cannot both place a hold. The
// claim is a lease: a request that died (kill -9) or failed ambiguously (the ledger did not
// answer — the hold may be in place) leaves the key to a retry, which takes the claim over and
// places the same order id again; the ledger answers that with `exists`, so there is one hold.
import type { Clock } from "@stampede/shared/ports/clock";
import { createHash } from "node:crypto";
import type { ErrorBody } from "@stampede/shared/errors";
import { uuidv7 } from "@stampede/shared/ids";
import type { IdempotencyStore, KeyClaim } from "../../adapters/postgres/idempotency-store.js";
import { DomainError, errorStatus } from "../errors.js";

/** An answer as kept for replay: what the work answered (B: the hold route's HoldView), or a refusal. */
export interface StoredAnswer<B = unknown> {
  status: number;
  body: B | ErrorBody;
}

/** What a claimed request works on: its order id, and whether an earlier attempt may have placed it. */
export interface HoldAttempt {
  orderId: string;
  resumed: boolean;
}

export interface IdempotencyOptions {
  /** How long a claim stays in progress before a retry may take it over; longer than any hold request takes. */
  leaseMs: number;
  now?: Clock;
}

export function requestHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/** A refusal as it is kept for replay: the status HTTP answers its code with (errorStatus), and no details. */
export function answerOf(err: DomainError): StoredAnswer<never> {
  return { status: errorStatus[err.code], body: { error: { code: err.code, message: err.message } } };
}

const failedWithNothingHeld = new WeakSet<object>();

/** Marks an error after which this attempt's order id holds nothing (and never will): the key is freed for a new id. */
export function nothingHeld<E extends object>(err: E): E {
  failedWithNothingHeld.add(err);
  return err;
}

/** B: what the work answers (kept as JSON, replayed as it was). */
export class IdempotentRequests<B = unknown> {
  private readonly now: Clock;
  /** The order id a claim holds, or null when the key is not this request's (idempotency-store.ts). */
  private readonly claim: (claim: KeyClaim) => Promise<string | null>;
  constructor(
    private readonly store: IdempotencyStore,
    options: IdempotencyOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.claim = store.claims({ leaseMs: options.leaseMs, now: this.now });
  }

  /**
   * Keeps a refusal decided before any work (sold out) as (fan, key)'s answer, in one statement
   * with the others of its moment: the key is never claimed, so no second statement answers it.
   * False when the key was already there — the caller takes the whole path, which replays the
   * earlier answer (a retry of the hold that took the last tickets gets its order).
   */
  answerAtOnce(request: { fanId: string; key: string; hash: string; answer: StoredAnswer<unknown> }): Promise<boolean> {
    return this.store.answerAtOnce(request);
  }

  /** Runs work once per (fan, key); replays the stored answer to a repeat with the same request. */
  async run(
    fanId: string,
    key: string,
    hash: string,
    work: (attempt: HoldAttempt) => Promise<StoredAnswer<B>>,
  ): Promise<StoredAnswer<B>> {
    const proposed = uuidv7();
    const orderId = await this.claim({ fanId, key, hash, orderId: proposed });
    if (orderId === null) return this.replay(fanId, key, hash);
    const attempt: HoldAttempt = { orderId, resumed: orderId !== proposed };
    let answer: StoredAnswer<B>;
    try {
      answer = await work(attempt);
    } catch (err) {
      const refusal = err instanceof DomainError ? answerOf(err) : null;
      if (!refusal || refusal.status >= 500) {
        // Not an answer worth keeping (the ledger was unavailable, a bug): leave the key to a retry at once.
        const nothing = typeof err === "object" && err !== null && failedWithNothingHeld.has(err);
        await this.store.release(fanId, key, nothing).catch(() => {}); // else the lease frees it
        throw err;
      }
      answer = refusal;
    }
    await this.store.answer({ fanId, key, answer });
    return answer;
  }

  private async replay(fanId: string, key: string, hash: string): Promise<StoredAnswer<B>> {
    const row = await this.store.lookup(fanId, key);
    const retry = (ms: number) => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });
    if (!row) throw new DomainError("request_in_progress", "that Idempotency-Key was just released; retry", retry(0));
    if (row.requestHash !== hash)
      throw new DomainError("invalid_request", "this Idempotency-Key was used for a different request");
    if (row.answer === null) {
      const wait = row.leaseUntil.getTime() - this.now();
      const message = "a request with this Idempotency-Key is still in progress; retry with the same key";
      throw new DomainError("request_in_progress", message, retry(wait));
    }
    return row.answer as StoredAnswer<B>;
  }
}
