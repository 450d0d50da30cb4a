// Idempotent hold requests: the same Idempotency-Key from the same fan returns the first answer
// and creates nothing new. The key is claimed before the work starts, so two concurrent requests
// with one key cannot both place a hold.
import { createHash } from "node:crypto";
import { pgBatched } from "../../adapters/postgres/batched.js";
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

interface Claim {
  fanId: string;
  key: string;
  hash: string;
}

interface Answered {
  fanId: string;
  key: string;
  answer: StoredAnswer;
}

const claimSql = `INSERT INTO hold_requests (fan_id, key, request_hash, status, response)
  SELECT fan_id, key, request_hash, ${inProgress}, 'null' FROM unnest($1::uuid[], $2::text[], $3::text[]) AS c(fan_id, key, request_hash)
  ON CONFLICT DO NOTHING RETURNING fan_id, key`;
const answerSql = `UPDATE hold_requests h SET status = a.status, response = a.response
  FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::jsonb[]) AS a(fan_id, key, status, response)
  WHERE h.fan_id = a.fan_id AND h.key = a.key`;

const claimKey = (fanId: string, key: string) => `${fanId} ${key}`;

export class IdempotentRequests {
  constructor(private readonly pool: Pool) {}

  /** Claims (fan, key) for concurrent requests in one statement; a key twice in one batch is claimed once. */
  private readonly claim = pgBatched(async (claims: Claim[]): Promise<boolean[]> => {
    const first = new Map<string, Claim>();
    for (const c of claims) if (!first.has(claimKey(c.fanId, c.key))) first.set(claimKey(c.fanId, c.key), c);
    const unique = [...first.values()];
    const { rows } = await this.pool.query<{ fan_id: string; key: string }>(claimSql, [unique.map((c) => c.fanId), unique.map((c) => c.key), unique.map((c) => c.hash)]);
    const won = new Set(rows.map((r) => claimKey(r.fan_id, r.key)));
    return claims.map((c) => first.get(claimKey(c.fanId, c.key)) === c && won.has(claimKey(c.fanId, c.key)));
  });

  private readonly store = pgBatched(async (answers: Answered[]): Promise<void[]> => {
    await this.pool.query(answerSql, [answers.map((a) => a.fanId), answers.map((a) => a.key), answers.map((a) => a.answer.status), answers.map((a) => JSON.stringify(a.answer.body))]);
    return answers.map(() => undefined);
  });

  /** Runs work once per (fan, key); replays the stored answer to a repeat with the same request. */
  async run(fanId: string, key: string, hash: string, work: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    if (!(await this.claim({ fanId, key, hash }))) return this.replay(fanId, key, hash);
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
    await this.store({ fanId, key, answer });
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
