// Events with their ticket classes and perks in PostgreSQL. Stock is not here: it is in the ledger.
import { uuidv7 } from "@stampede/shared/ids";
import type {
  ClassView,
  CreateEventInput,
  EventStatus,
  EventView,
  PaymentProviderName,
  PerkView,
  WaitingRoomSettings,
} from "@stampede/shared/api/events";
import type { EventLedgerLookup } from "@stampede/shared/ports/events";
import type { Tx } from "@stampede/shared/ports/transaction";
import { clientOf, inTransaction, type Pool, type PoolClient } from "./pool.js";

/** A tier as stored: the public ClassView without the live counts (those come from the ledger). */
export type ClassRecord = Omit<ClassView, "available" | "held" | "sold">;

/** A perk as stored: the public PerkView without the granted count (the ledger's). */
export type PerkRecord = Omit<PerkView, "granted">;

export interface AdmissionSettingsPatch {
  admission?: WaitingRoomSettings["admission"] | undefined;
  admitPerMinute?: number | undefined;
  admitPerMinuteFloor?: number | undefined;
  admitPerMinuteCeiling?: number | undefined;
  maxActiveCheckouts?: number | undefined;
}

/** The fields an edit writes (already checked by the service); a field left undefined stays. */
export interface EventFieldsEdit {
  name?: string | undefined;
  venue?: string | undefined;
  description?: string | undefined;
  startsAt?: string | null | undefined;
  classes: readonly { id: string; name?: string | undefined; priceCents?: number | undefined; capacity?: number }[];
}

/** Who made an edit and what it changed, for the event's edit history (event_edits). */
export interface EventEditNote {
  adminId: string | null;
  username: string | null;
  changes: Record<string, unknown>;
}

/** An event as stored: the public EventView without live counts, plus its ledger. */
export interface EventRecord extends Omit<EventView, "classes" | "perks"> {
  /** The event's ledger number (u32 in TigerBeetle). */
  ledger: number;
  ledgerReady: boolean;
  classes: ClassRecord[];
  perks: PerkRecord[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return base || "event";
}

type EventRow = Record<string, unknown> & { id: string };

function toRecord(row: EventRow, classes: ClassRecord[], perks: PerkRecord[]): EventRecord {
  return {
    id: row.id,
    slug: row.slug as string,
    name: row.name as string,
    venue: row.venue as string,
    description: row.description as string,
    startsAt: iso(row.starts_at as Date | null),
    status: row.status as EventStatus,
    paymentProvider: row.payment_provider as PaymentProviderName,
    ledger: Number(row.ledger),
    ledgerReady: row.ledger_ready as boolean,
    waitingRoom: {
      mode: row.wr_mode as WaitingRoomSettings["mode"],
      opensAt: iso(row.wr_opens_at as Date | null),
      admission: row.wr_admission as WaitingRoomSettings["admission"],
      admitPerMinute: row.wr_admit_per_minute as number,
      admitPerMinuteFloor: row.wr_admit_floor as number,
      admitPerMinuteCeiling: row.wr_admit_ceiling as number,
      maxActiveCheckouts: row.wr_max_active_checkouts as number,
      admissionTtlSeconds: row.wr_admission_ttl_seconds as number,
      holdSeconds: row.wr_hold_seconds as number,
      perFanMax: row.wr_per_fan_max as number,
      endAdmissionOnPaid: row.wr_end_admission_on_paid as boolean,
    },
    classes,
    perks,
  };
}

async function uniqueSlug(client: PoolClient, wanted: string): Promise<string> {
  const { rows } = await client.query<{ slug: string }>(
    "SELECT slug FROM events WHERE slug = $1 OR slug LIKE $1 || '-%'",
    [wanted],
  );
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

export class EventsRepo implements EventLedgerLookup {
  constructor(readonly pool: Pool) {}

  async create(input: CreateEventInput): Promise<EventRecord> {
    const id = uuidv7();
    await inTransaction(this.pool, async (client) => {
      const slug = await uniqueSlug(client, input.slug ?? slugify(input.name));
      const wr = input.waitingRoom;
      await client.query(
        `INSERT INTO events (id, slug, name, venue, starts_at, status, wr_mode, wr_opens_at, wr_admit_per_minute,
           wr_max_active_checkouts, wr_admission_ttl_seconds, wr_hold_seconds, wr_per_fan_max, wr_end_admission_on_paid,
           wr_admission, wr_admit_floor, wr_admit_ceiling, payment_provider, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
        [
          id,
          slug,
          input.name,
          input.venue,
          input.startsAt,
          input.status,
          wr.mode,
          wr.opensAt,
          wr.admitPerMinute,
          wr.maxActiveCheckouts,
          wr.admissionTtlSeconds,
          wr.holdSeconds,
          wr.perFanMax,
          wr.endAdmissionOnPaid,
          wr.admission,
          wr.admitPerMinuteFloor,
          wr.admitPerMinuteCeiling,
          input.paymentProvider,
          input.description,
        ],
      );
      for (const [position, c] of input.classes.entries()) {
        await client.query(
          `INSERT INTO ticket_classes (id, event_id, position, code, name, price_cents, currency, capacity, per_order_max)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [uuidv7(), id, position, c.code, c.name, c.priceCents, c.currency, c.capacity, c.perOrderMax],
        );
      }
      for (const p of input.perks) {
        await client.query(`INSERT INTO perks (id, event_id, code, name, capacity) VALUES ($1, $2, $3, $4, $5)`, [
          uuidv7(),
          id,
          p.code,
          p.name,
          p.capacity,
        ]);
      }
    });
    const created = await this.get(id);
    if (!created) throw new Error(`event ${id} vanished right after it was created`);
    return created;
  }

  async get(id: string): Promise<EventRecord | null> {
    const [found] = await this.load("WHERE e.id = $1", [id]);
    return found ?? null;
  }

  async list(statuses?: readonly EventStatus[]): Promise<EventRecord[]> {
    return statuses ? this.load("WHERE e.status = ANY($1)", [statuses]) : this.load("", []);
  }

  /** Compare-and-set: moves the status only if it is still `from`; false when someone else moved it first. */
  async setStatus(id: string, from: EventStatus, to: EventStatus): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE events SET status = $3, updated_at = now() WHERE id = $1 AND status = $2",
      [id, from, to],
    );
    return rowCount === 1;
  }

  /** Writes the given admission settings; false (nothing written) when the result would put the
   * floor above the ceiling. */
  async updateAdmission(id: string, patch: AdmissionSettingsPatch): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE events SET wr_admit_per_minute = COALESCE($2, wr_admit_per_minute),
         wr_max_active_checkouts = COALESCE($3, wr_max_active_checkouts), wr_admission = COALESCE($4, wr_admission),
         wr_admit_floor = COALESCE($5, wr_admit_floor), wr_admit_ceiling = COALESCE($6, wr_admit_ceiling), updated_at = now()
       WHERE id = $1 AND COALESCE($5, wr_admit_floor) <= COALESCE($6, wr_admit_ceiling)`,
      [
        id,
        patch.admitPerMinute ?? null,
        patch.maxActiveCheckouts ?? null,
        patch.admission ?? null,
        patch.admitPerMinuteFloor ?? null,
        patch.admitPerMinuteCeiling ?? null,
      ],
    );
    return rowCount === 1;
  }

  /** The event, its row locked until tx ends: edits of one event run one at a time, and a status
   * move waits for the edit (its compare-and-set updates the same row). */
  async lockForEdit(tx: Tx, id: string): Promise<EventRecord | null> {
    const client = clientOf(tx);
    const { rowCount } = await client.query("SELECT 1 FROM events WHERE id = $1 FOR UPDATE", [id]);
    if (rowCount !== 1) return null;
    const [found] = await this.load("WHERE e.id = $1", [id], client);
    return found ?? null;
  }

  /** Writes an edit and its entry in the event's edit history, in tx. */
  async applyEdit(tx: Tx, id: string, edit: EventFieldsEdit, note: EventEditNote): Promise<void> {
    const client = clientOf(tx);
    const startsAtGiven = edit.startsAt !== undefined;
    await client.query(
      `UPDATE events SET name = COALESCE($2, name), venue = COALESCE($3, venue),
         description = COALESCE($4, description), starts_at = CASE WHEN $5 THEN $6::timestamptz ELSE starts_at END,
         updated_at = now()
       WHERE id = $1`,
      [id, edit.name ?? null, edit.venue ?? null, edit.description ?? null, startsAtGiven, edit.startsAt ?? null],
    );
    for (const c of edit.classes) {
      await client.query(
        `UPDATE ticket_classes SET name = COALESCE($3, name), price_cents = COALESCE($4, price_cents),
           capacity = COALESCE($5, capacity)
         WHERE id = $1 AND event_id = $2`,
        [c.id, id, c.name ?? null, c.priceCents ?? null, c.capacity ?? null],
      );
    }
    await client.query(`INSERT INTO event_edits (event_id, admin_id, username, changes) VALUES ($1, $2, $3, $4)`, [
      id,
      note.adminId,
      note.username,
      JSON.stringify(note.changes),
    ]);
  }

  /** The event's edit history, newest first. */
  async edits(id: string, limit = 50): Promise<Array<EventEditNote & { at: string }>> {
    const { rows } = await this.pool.query(
      `SELECT admin_id, username, changes, at FROM event_edits WHERE event_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, limit],
    );
    return rows.map((r) => ({
      adminId: r.admin_id as string | null,
      username: r.username as string | null,
      changes: r.changes as Record<string, unknown>,
      at: (r.at as Date).toISOString(),
    }));
  }

  async markLedgerReady(id: string): Promise<void> {
    await this.pool.query("UPDATE events SET ledger_ready = true WHERE id = $1", [id]);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM events");
    return Number(rows[0]?.n ?? 0);
  }

  private async load(where: string, params: unknown[], db: Pool | PoolClient = this.pool): Promise<EventRecord[]> {
    const { rows } = await db.query<EventRow>(
      `SELECT e.* FROM events e ${where} ORDER BY e.starts_at NULLS LAST, e.created_at`,
      params,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [classes, perks] = await Promise.all([
      db.query(`SELECT * FROM ticket_classes WHERE event_id = ANY($1) ORDER BY position`, [ids]),
      db.query(`SELECT * FROM perks WHERE event_id = ANY($1) ORDER BY code`, [ids]),
    ]);
    return rows.map((row) =>
      toRecord(
        row,
        classes.rows
          .filter((c) => c.event_id === row.id)
          .map((c) => ({
            id: c.id,
            code: c.code,
            name: c.name,
            priceCents: Number(c.price_cents),
            currency: c.currency,
            capacity: c.capacity,
            perOrderMax: c.per_order_max,
          })),
        perks.rows
          .filter((p) => p.event_id === row.id)
          .map((p) => ({ id: p.id, code: p.code, name: p.name, capacity: p.capacity })),
      ),
    );
  }
}
