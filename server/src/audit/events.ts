// Which events an audit looks at, and one audit of each: every event that is not a draft (a draft
// has no ledger accounts yet), or the one asked for.
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Pool } from "../adapters/postgres/pool.js";
import { auditEvent, type EventAudit } from "../services/events/audit.js";
import { AuditFiguresRepo } from "../adapters/postgres/audit-figures.js";
import { EventsRepo, type EventRecord } from "../adapters/postgres/events-repo.js";

export class UnknownEventError extends Error {
  override name = "UnknownEventError";
}

/** The events to audit: `eventId` alone (refused when it does not exist), else every non-draft. */
export async function auditTargets(pool: Pool, eventId?: string): Promise<EventRecord[]> {
  const repo = new EventsRepo(pool);
  if (eventId !== undefined) {
    // Asked of the database, a malformed id is an error rather than an answer.
    const found = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId)
      ? await repo.get(eventId)
      : null;
    if (!found) throw new UnknownEventError(`no event ${eventId}`);
    return [found];
  }
  return (await repo.list()).filter((e) => e.status !== "draft");
}

export interface AuditedEvent {
  event: EventRecord;
  audit: EventAudit;
}

/** One audit per event, one after the other (an audit is a few queries; no need to load the database). */
export async function auditEvents(ledger: Ledger, pool: Pool, events: EventRecord[]): Promise<AuditedEvent[]> {
  const out: AuditedEvent[] = [];
  const figures = new AuditFiguresRepo(pool);
  for (const event of events) out.push({ event, audit: await auditEvent(ledger, figures, event) });
  return out;
}
