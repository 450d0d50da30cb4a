// Events' bot-defence settings (0032_bot_defence.sql); no row: the defaults (services/waiting-room/join-challenge.ts).
import type { BotDefenceInput, BotDefenceMode } from "@stampede/shared/api/bot-defence";
import type { Pool } from "./pool.js";

interface Row {
  mode: BotDefenceMode;
  difficulty: number;
  subnet_joins_per_minute: number;
  event_joins_per_minute: number;
}

export class BotDefenceRepo {
  constructor(private readonly pool: Pool) {}

  /** The event's own settings; null when an admin has not set them. */
  async get(eventId: string): Promise<BotDefenceInput | null> {
    const { rows } = await this.pool.query<Row>(
      `SELECT mode, difficulty, subnet_joins_per_minute, event_joins_per_minute
       FROM event_bot_defence WHERE event_id = $1`,
      [eventId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      mode: row.mode,
      difficulty: row.difficulty,
      subnetJoinsPerMinute: row.subnet_joins_per_minute,
      eventJoinsPerMinute: row.event_joins_per_minute,
    };
  }

  async put(eventId: string, settings: BotDefenceInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO event_bot_defence (event_id, mode, difficulty, subnet_joins_per_minute, event_joins_per_minute)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO UPDATE SET mode = $2, difficulty = $3, subnet_joins_per_minute = $4,
         event_joins_per_minute = $5, updated_at = now()`,
      [eventId, settings.mode, settings.difficulty, settings.subnetJoinsPerMinute, settings.eventJoinsPerMinute],
    );
  }
}
