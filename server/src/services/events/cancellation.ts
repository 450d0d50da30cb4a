// Cancelling an event: under a lock on its row, the event moves to cancelled and its paid orders
// go on the cancellation's work list, in one transaction; the refunds themselves are each server
// node's background sweep (cancellation-sweep.ts), never the request's. The sale closes through the
// status alone — joins and holds already refuse an event that is not on sale — and the open pages
// are told by the status listeners, as for any admin move. The SQL: event-cancellations-repo.ts.
import type { CancellationView, CancelEventInput } from "@stampede/shared/api/cancellation";
import { canTransition } from "@stampede/shared/core/event-status";
import type { Transactions } from "@stampede/shared/ports/transaction";
import type { EventsRepo } from "../../adapters/postgres/events-repo.js";
import type {
  CancellationProgressRow,
  EventCancellationsRepo,
} from "../../adapters/postgres/event-cancellations-repo.js";
import { DomainError } from "../errors.js";
import type { Editor, EventsService } from "./events-service.js";

export interface CancellationDeps {
  transactions: Transactions;
  events: EventsService;
  eventsRepo: Pick<EventsRepo, "lockForEdit">;
  cancellations: EventCancellationsRepo;
}

/** The figures as the API shows them: done once no paid order is left to refund. */
export function cancellationView(eventId: string, row: CancellationProgressRow): CancellationView {
  const done = row.pending === 0;
  return {
    eventId,
    status: done ? "done" : "refunding",
    paidOrders: row.paidOrders,
    refunded: row.refunded,
    failed: row.failed,
    startedAt: row.startedAt.toISOString(),
    finishedAt: done ? (row.lastSettledAt ?? row.startedAt).toISOString() : null,
  };
}

export class EventCancellation {
  constructor(private readonly deps: CancellationDeps) {}

  /** Cancels the event; refuses one already cancelled (already_cancelled) or past cancelling, changing nothing. */
  async cancel(eventId: string, input: CancelEventInput, by: Editor): Promise<CancellationView> {
    await this.deps.transactions(async (tx) => {
      const record = await this.deps.eventsRepo.lockForEdit(tx, eventId);
      if (!record) throw new DomainError("not_found", "no such event");
      if (record.status === "cancelled") throw new DomainError("already_cancelled", "the event is already cancelled");
      if (!canTransition(record.status, "cancelled"))
        throw new DomainError("invalid_transition", `cannot move from ${record.status} to cancelled`);
      await this.deps.cancellations.start(tx, { eventId, ...by, reason: input.reason ?? "" });
    });
    this.deps.events.statusChanged(eventId, "cancelled");
    const progress = await this.progress(eventId);
    if (!progress) throw new Error(`event ${eventId} cancelled without its cancellation row`);
    return progress;
  }

  /** The cancellation's progress; null when the event was never cancelled this way. */
  async progress(eventId: string): Promise<CancellationView | null> {
    const row = await this.deps.cancellations.progress(eventId);
    return row ? cancellationView(eventId, row) : null;
  }
}
