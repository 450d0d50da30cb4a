// Idempotent hold requests: the same Idempotency-Key from the same fan returns the first answer
// and creates nothing new. The key is claimed before the work starts, so two concurrent requests
// with one key cannot both place a hold.
import { createHash } from "node:crypto";
import type { Pool } from "../../adapters/postgres/pool.js";
import { HttpError } from "../../http/errors.js";

export interface StoredAnswer {
  status: number;
  body: unknown;
}

const inProgress = 0;

export function requestHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

export class IdempotentRequests {
  constructor(private readonly pool: Pool) {}

  /** Runs work once per (fan, key); replays the stored answer to a repeat with the same request. */
  async run(fanId: string, key: string, hash: string, work: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    const claimed = await this.pool.query(
      `INSERT INTO hold_requests (fan_id, key, request_hash, status, response) VALUES ($1, $2, $3, $4, 'null') ON CONFLICT DO NOTHING`,
      [fanId, key, hash, inProgress],
    );
    if (claimed.rowCount === 0) return this.replay(fanId, key, hash);
    let answer: StoredAnswer;
    try {
      answer = await work();
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) {
        // Not an answer worth keeping (the ledger was unavailable, a bug): free the key for a retry.
        await this.pool.query("DELETE FROM hold_requests WHERE fan_id = $1 AND key = $2", [fanId, key]);
        throw err;
      }
      answer = { status: err.status, body: { error: { code: err.code, message: err.message } } };
    }
    await this.pool.query("UPDATE hold_requests SET status = $3, response = $4 WHERE fan_id = $1 AND key = $2", [fanId, key, answer.status, JSON.stringify(answer.body)]);
    return answer;
  }

  private async replay(fanId: string, key: string, hash: string): Promise<StoredAnswer> {
    const { rows } = await this.pool.query<{ request_hash: string; status: number; response: unknown }>(
      "SELECT request_hash, status, response FROM hold_requests WHERE fan_id = $1 AND key = $2",
      [fanId, key],
    );
    const row = rows[0];
    if (!row) throw new HttpError(409, "conflict", "that Idempotency-Key was just released; retry");
    if (row.request_hash !== hash) throw new HttpError(422, "invalid_request", "this Idempotency-Key was used for a different request");
    if (row.status === inProgress) throw new HttpError(409, "conflict", "a request with this Idempotency-Key is still in progress");
    return { status: row.status, body: row.response };
  }
}
