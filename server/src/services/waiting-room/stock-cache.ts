// Live stock per event for pushing to fans, read from the ledger at most once per stockTickMs per
// event on each node, however many fans join or ask.
import { stockTickMs } from "@stampede/shared/limits";
import type { StockUpdate } from "@stampede/shared/protocol";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { EventRecord } from "../events/events-repo.js";
import { readStock } from "../events/inventory.js";

export class StockCache {
  private readonly entries = new Map<string, { at: number; value: Promise<StockUpdate> }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly now: () => number = Date.now,
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
    this.entries.set(event.id, { at: this.now(), value });
    value.catch(() => this.entries.delete(event.id));
    return value;
  }

  /** Stock came back (a hold ended, a refund): the next reader asks the ledger afresh. */
  forget(eventId: string): void {
    this.entries.delete(eventId);
  }
}

export function stockTotals(stock: StockUpdate): { available: number; held: number } {
  return stock.classes.reduce((t, c) => ({ available: t.available + c.available, held: t.held + c.held }), { available: 0, held: 0 });
}
