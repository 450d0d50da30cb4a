// A short-lived cache of event records for hot paths (joins, holds, tickers): a join must not
// cost a database read, and a status change is seen everywhere within eventCacheMs.
import type { Clock } from "@stampede/shared/ports/clock";
import { eventCacheMs } from "@stampede/shared/limits";
import type { EventRecord, EventsRepo } from "../../adapters/postgres/events-repo.js";

export class EventCache {
  private readonly entries = new Map<string, { at: number; value: Promise<EventRecord | null> }>();

  constructor(
    private readonly repo: EventsRepo,
    private readonly ttlMs = eventCacheMs,
    private readonly now: Clock = Date.now,
  ) {}

  get(id: string): Promise<EventRecord | null> {
    const hit = this.entries.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.repo.get(id);
    this.entries.set(id, { at: this.now(), value });
    // A failed read must not be cached.
    value.catch(() => this.entries.delete(id));
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
