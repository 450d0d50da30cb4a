// The fairness audit's records in PostgreSQL (migration 0024): facts about fans in an event's line,
// upserted in batches, and read back with each fan's orders for the report
// (shared/src/core/fairness.ts computes the figures).
import type { FairnessRow } from "@stampede/shared/core/fairness";
import type { Pool } from "./pool.js";

/** What a node learned about one fan in one event's line; null: not learned in this batch. */
export interface AdmissionFact {
  eventId: string;
  fanId: string;
  queueNumber: number | null;
  joinedAtMs: number | null;
  admittedAtMs: number | null;
  leftAtMs: number | null;
}

/** The fans of one event and the moment its last ticket was sold (null while tickets are left). */
export interface FairnessInput {
  rows: FairnessRow[];
  soldOutAtMs: number | null;
}

interface RecordRow {
  fan_id: string;
  queue_number: string | null;
  joined_at: Date | null;
  admitted_at: Date | null;
  left_at: Date | null;
  orders: string;
  paid_tickets: string;
}

const time = (ms: number | null) => (ms === null ? null : new Date(ms));
const msOf = (d: Date | null) => (d === null ? null : d.getTime());

// The same merge as the recorder's buffer (admission-recorder.ts): the earliest join, the first
// admission with the number it was made under, the first leave.
const upsertSql = `
  INSERT INTO admission_records AS r (event_id, fan_id, queue_number, joined_at, admitted_at, left_at)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[])
  ON CONFLICT (event_id, fan_id) DO UPDATE SET
    queue_number = CASE WHEN r.admitted_at IS NOT NULL THEN r.queue_number
                        ELSE COALESCE(excluded.queue_number, r.queue_number) END,
    joined_at = LEAST(r.joined_at, excluded.joined_at),
    admitted_at = COALESCE(r.admitted_at, excluded.admitted_at),
    left_at = COALESCE(r.left_at, excluded.left_at)`;

const recordsSql = `
  WITH fan_orders AS (
    SELECT fan_id, count(*) AS orders,
           COALESCE(sum((SELECT sum((i ->> 'quantity')::int) FROM jsonb_array_elements(items) i))
                    FILTER (WHERE status = 'paid'), 0) AS paid_tickets
      FROM orders WHERE event_id = $1 GROUP BY fan_id)
  SELECT r.fan_id, r.queue_number, r.joined_at, r.admitted_at, r.left_at,
         COALESCE(o.orders, 0) AS orders, COALESCE(o.paid_tickets, 0) AS paid_tickets
    FROM admission_records r LEFT JOIN fan_orders o USING (fan_id)
   WHERE r.event_id = $1`;

// The first moment the paid orders' tickets reached the event's capacity.
const soldOutSql = `
  WITH paid AS (
    SELECT paid_at, (SELECT sum((i ->> 'quantity')::int) FROM jsonb_array_elements(items) i) AS quantity
      FROM orders WHERE event_id = $1 AND status = 'paid' AND paid_at IS NOT NULL),
  running AS (SELECT paid_at, sum(quantity) OVER (ORDER BY paid_at) AS sold FROM paid)
  SELECT min(paid_at) AS sold_out_at FROM running
   WHERE sold >= (SELECT sum(capacity) FROM ticket_classes WHERE event_id = $1)`;

export class AdmissionRecordsRepo {
  constructor(private readonly pool: Pool) {}

  /** One statement for the whole batch; a batch holds each (event, fan) at most once. */
  async upsert(facts: readonly AdmissionFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.pool.query(upsertSql, [
      facts.map((f) => f.eventId),
      facts.map((f) => f.fanId),
      facts.map((f) => f.queueNumber),
      facts.map((f) => time(f.joinedAtMs)),
      facts.map((f) => time(f.admittedAtMs)),
      facts.map((f) => time(f.leftAtMs)),
    ]);
  }

  async fairnessInput(eventId: string): Promise<FairnessInput> {
    const [records, soldOut] = await Promise.all([
      this.pool.query<RecordRow>(recordsSql, [eventId]),
      this.pool.query<{ sold_out_at: Date | null }>(soldOutSql, [eventId]),
    ]);
    return {
      rows: records.rows.map((r) => ({
        fanId: r.fan_id,
        queueNumber: r.queue_number === null ? null : Number(r.queue_number),
        joinedAtMs: msOf(r.joined_at),
        admittedAtMs: msOf(r.admitted_at),
        leftAtMs: msOf(r.left_at),
        orders: Number(r.orders),
        paidTickets: Number(r.paid_tickets),
      })),
      soldOutAtMs: msOf(soldOut.rows[0]?.sold_out_at ?? null),
    };
  }
}
