// The waiting room's checkpoints in PostgreSQL (migration 0013): what a lost room is rebuilt from.
import type { RoomCheckpoint } from "../redis/waiting-room/room-restore.js";
import type { Phase } from "@stampede/shared/ports/waiting-room";
import type { Pool } from "./pool.js";

interface CheckpointRow {
  served_up_to: string;
  last_number: string;
  admitted_total: string;
  phase: Phase;
}

export class CheckpointsRepo {
  constructor(private readonly pool: Pool) {}

  async get(eventId: string): Promise<RoomCheckpoint | null> {
    const { rows } = await this.pool.query<CheckpointRow>(
      "SELECT served_up_to, last_number, admitted_total, phase FROM waiting_room_checkpoints WHERE event_id = $1",
      [eventId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      servedUpTo: Number(row.served_up_to),
      lastNumber: Number(row.last_number),
      admittedTotal: Number(row.admitted_total),
      phase: row.phase,
    };
  }

  /** Saves the counters; each only grows and the phase only moves on (pre → opening → open). */
  async save(eventId: string, c: RoomCheckpoint): Promise<void> {
    await this.pool.query(
      `INSERT INTO waiting_room_checkpoints AS w (event_id, served_up_to, last_number, admitted_total, phase)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO UPDATE SET
         served_up_to = GREATEST(w.served_up_to, excluded.served_up_to),
         last_number = GREATEST(w.last_number, excluded.last_number),
         admitted_total = GREATEST(w.admitted_total, excluded.admitted_total),
         phase = CASE WHEN 'open' IN (w.phase, excluded.phase) THEN 'open'
                      WHEN 'opening' IN (w.phase, excluded.phase) THEN 'opening' ELSE 'pre' END,
         saved_at = now()`,
      [eventId, c.servedUpTo, c.lastNumber, c.admittedTotal, c.phase],
    );
  }
}
