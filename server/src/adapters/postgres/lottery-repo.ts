// The lottery's durable record: seed (secret until the draw), its published hash, and the drawn
// order. The draw is recorded before numbers are handed out, so a crash mid-opening replays the
// same order instead of drawing again.
import { newLotterySeed, seedHash } from "@stampede/shared/core/lottery";
import type { LotteryView } from "@stampede/shared/protocol";
import { inTransaction, type Pool } from "./pool.js";

export class LotteryRepo {
  constructor(private readonly pool: Pool) {}

  /** Makes the seed once (first caller wins) and returns it. */
  async ensureSeed(eventId: string): Promise<string> {
    const seed = newLotterySeed();
    await this.pool.query(
      "UPDATE events SET lottery_seed = $2, lottery_seed_hash = $3 WHERE id = $1 AND lottery_seed IS NULL",
      [eventId, seed, await seedHash(seed)],
    );
    const { rows } = await this.pool.query<{ lottery_seed: string }>("SELECT lottery_seed FROM events WHERE id = $1", [
      eventId,
    ]);
    const stored = rows[0]?.lottery_seed;
    if (!stored) throw new Error(`event ${eventId} has no lottery seed after ensureSeed`);
    return stored;
  }

  /** The recorded order, or null before the draw. */
  async drawnOrder(eventId: string): Promise<string[] | null> {
    const { rows } = await this.pool.query<{ drawn: Date | null }>(
      "SELECT lottery_drawn_at AS drawn FROM events WHERE id = $1",
      [eventId],
    );
    if (!rows[0]?.drawn) return null;
    const order = await this.pool.query<{ fan_id: string }>(
      "SELECT fan_id FROM lottery_draws WHERE event_id = $1 ORDER BY position",
      [eventId],
    );
    return order.rows.map((r) => r.fan_id);
  }

  async recordDraw(eventId: string, order: readonly string[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        "UPDATE events SET lottery_drawn_at = now() WHERE id = $1 AND lottery_drawn_at IS NULL",
        [eventId],
      );
      if (rowCount !== 1) return; // drawn already (another node got there first): keep that record
      await client.query(
        "INSERT INTO lottery_draws (event_id, position, fan_id) SELECT $1, ord, fan FROM unnest($2::uuid[]) WITH ORDINALITY AS t(fan, ord)",
        [eventId, order],
      );
    });
  }

  async view(eventId: string, mode: "fifo" | "lottery"): Promise<LotteryView> {
    const { rows } = await this.pool.query<{ seed: string | null; hash: string | null; drawn: Date | null }>(
      "SELECT lottery_seed AS seed, lottery_seed_hash AS hash, lottery_drawn_at AS drawn FROM events WHERE id = $1",
      [eventId],
    );
    const row = rows[0];
    const drawn = row?.drawn ?? null;
    return {
      eventId,
      mode,
      seedHash: row?.hash ?? null,
      seed: drawn ? (row?.seed ?? null) : null, // secret until the draw
      drawnAt: drawn ? drawn.toISOString() : null,
      order: drawn ? await this.drawnOrder(eventId) : null,
    };
  }
}
