// Seeds the demo event when the database has no events. Serialized with an advisory lock so two
// starts at once seed one event, not two.
import type { Pool } from "../adapters/postgres/pool.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import { EventsService } from "../services/events/events-service.js";
import { demoEventInput } from "../seed/demo.js";
import { EventsRepo } from "../adapters/postgres/events-repo.js";

const seedLockKey = 0x5345_4544; // "SEED"

/** Returns the new event's id, or null when events already existed. */
export async function seedDemoIfEmpty(pool: Pool, ledger: Ledger): Promise<string | null> {
  const lock = await pool.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [seedLockKey]);
    const repo = new EventsRepo(pool);
    if ((await repo.count()) > 0) return null;
    const created = await new EventsService(repo, ledger).create(demoEventInput());
    return created.id;
  } finally {
    await lock.query("SELECT pg_advisory_unlock($1)", [seedLockKey]).catch(() => {});
    lock.release();
  }
}
