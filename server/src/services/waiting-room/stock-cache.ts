// Live stock per event for pushing to fans, read from the ledger at most once per stockTickMs per
// event on each node, however many fans join or ask.
import type { Clock } from "@stampede/shared/ports/clock";
import { stockTickMs } from "@stampede/shared/limits";
import type { StockUpdate } from "@stampede/shared/protocol";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { readStock } from "../events/inventory.js";

export class StockCache {
  private readonly entries = new Map<string, { at: number; value: Promise<StockUpdate> }>();
  /** The last read that answered, per event, with when it was asked. */
  private readonly answered = new Map<string, { at: number; value: StockUpdate }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly now: Clock = Date.now,
  ) {}

  get(event: EventRecord): Promise<StockUpdate> {
    const hit = this.entries.get(event.id);
    if (hit && this.now() - hit.at < stockTickMs) return hit.value;
    const value = readStock(this.ledger, [event]).then((all) => {
      const stock = all.get(event.id);
      return {
        eventId: event.id,
        classes: event.classes.map((c) => {
          const s = stock?.classes.get(c.id) ?? { available: 0, held: 0, sold: 0 };
          return { id: c.id, code: c.code, available: s.available, held: s.held, sold: s.sold };
        }),
      };
    });
    const at = this.now();
    this.entries.set(event.id, { at, value });
    value.then(
      (stock) => {
        // Forgotten meanwhile (stock came back): this answer may be older than the news.
        if (this.entries.get(event.id)?.value === value) this.answered.set(event.id, { at, value: stock });
      },
      () => this.entries.delete(event.id),
    );
    return value;
  }

  /**
   * The last stock read that answered, when asked less than maxAgeMs ago — without waiting for the
   * ledger. Otherwise null, and a read starts for the next caller. For shortcuts that must never
   * wait on the ledger (a hold's sold-out answer): without a recent snapshot the full path decides.
   */
  recent(event: EventRecord, maxAgeMs: number): StockUpdate | null {
    const last = this.answered.get(event.id);
    if (last && this.now() - last.at < maxAgeMs) return last.value;
    void this.get(event).catch(() => {});
    return null;
  }

  /** Stock came back (a hold ended, a refund): the next reader asks the ledger afresh. */
  forget(eventId: string): void {
    this.entries.delete(eventId);
    this.answered.delete(eventId);
  }
}

export function stockTotals(stock: StockUpdate): { available: number; held: number } {
  return stock.classes.reduce((t, c) => ({ available: t.available + c.available, held: t.held + c.held }), {
    available: 0,
    held: 0,
  });
}
