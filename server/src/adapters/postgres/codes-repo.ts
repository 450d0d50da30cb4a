// Presale and promo codes and events' presale windows (0031_codes.sql). What a code is lives
// here; how many of its uses are taken is the ledger's (services/orders/access-codes.ts).
import type { CodeKind } from "@stampede/shared/api/codes";
import type { Pool } from "./pool.js";

export interface CodeRecord {
  id: string;
  eventId: string;
  code: string;
  kind: CodeKind;
  uses: number;
  percentOff: number | null;
  tierId: string | null;
  validFrom: string | null;
  validUntil: string | null;
  batchId: string;
  createdAt: string;
}

export type NewCode = Omit<CodeRecord, "createdAt">;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toRecord = (r: Record<string, unknown>): CodeRecord => ({
  id: r.id as string,
  eventId: r.event_id as string,
  code: r.code as string,
  kind: r.kind as CodeKind,
  uses: r.uses as number,
  percentOff: r.percent_off as number | null,
  tierId: r.tier_id as string | null,
  validFrom: iso(r.valid_from as Date | null),
  validUntil: iso(r.valid_until as Date | null),
  batchId: r.batch_id as string,
  createdAt: (r.created_at as Date).toISOString(),
});

const columns = "id, event_id, code, kind, uses, percent_off, tier_id, valid_from, valid_until, batch_id, created_at";

export class CodesRepo {
  constructor(private readonly pool: Pool) {}

  /** Inserts the codes in one statement; returns the ids of those inserted (a code already taken is skipped). */
  async insert(codes: readonly NewCode[]): Promise<Set<string>> {
    const col = <K extends keyof NewCode>(k: K) => codes.map((c) => c[k]);
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO event_codes (id, event_id, code, kind, uses, percent_off, tier_id, valid_from, valid_until, batch_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::uuid[],
                            $8::timestamptz[], $9::timestamptz[], $10::uuid[])
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [
        ...[col("id"), col("eventId"), col("code"), col("kind"), col("uses"), col("percentOff"), col("tierId")],
        ...[col("validFrom"), col("validUntil"), col("batchId")],
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  async byCode(code: string): Promise<CodeRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${columns} FROM event_codes WHERE code = $1`, [code]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The event's codes, oldest first, after the cursor (a code's id), optionally one batch's. */
  async list(eventId: string, opts: { after: string | null; limit: number; batchId?: string }): Promise<CodeRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT ${columns} FROM event_codes
        WHERE event_id = $1 AND ($2::uuid IS NULL OR id > $2) AND ($3::uuid IS NULL OR batch_id = $3)
        ORDER BY id LIMIT $4`,
      [eventId, opts.after, opts.batchId ?? null, opts.limit],
    );
    return rows.map(toRecord);
  }

  /** When the event's presale ends; null: it has none. */
  async presaleEnd(eventId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ ends_at: Date }>(
      "SELECT ends_at FROM event_presales WHERE event_id = $1",
      [eventId],
    );
    return iso(rows[0]?.ends_at ?? null);
  }

  async setPresaleEnd(eventId: string, endsAt: string | null): Promise<void> {
    if (endsAt === null) {
      await this.pool.query("DELETE FROM event_presales WHERE event_id = $1", [eventId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO event_presales (event_id, ends_at) VALUES ($1, $2)
       ON CONFLICT (event_id) DO UPDATE SET ends_at = $2, updated_at = now()`,
      [eventId, endsAt],
    );
  }
}
