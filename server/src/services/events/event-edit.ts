// Editing an event after creation: the checks an edit must pass against the event as it is (its
// status, its tiers) and what it changes, worded for the edit history. The capacity itself is
// changed in the ledger (ledger-plans.ts planCapacityChange), never checked here: only the ledger
// sees holds racing with the edit.
import type { EventEditInput, EventStatus } from "@stampede/shared/api/events";
import type { Inventory } from "@stampede/shared/core/ledger-plans";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { DomainError } from "../errors.js";

/** A sale that is over: its page stays as it was, so it is not edited. */
export const endedStatuses: readonly EventStatus[] = ["closed", "cancelled"];

export function refuseEnded(record: EventRecord): void {
  if (endedStatuses.includes(record.status))
    throw new DomainError("event_ended", `the event is ${record.status}: it can no longer be edited`);
}

/** Every tier named must be one of the event's: 422 with the field of each stranger, like a schema issue. */
export function refuseUnknownTiers(record: EventRecord, input: EventEditInput): void {
  const known = new Set(record.classes.map((c) => c.id));
  const issues = (input.classes ?? []).flatMap((c, i) =>
    known.has(c.id) ? [] : [{ field: `body.classes.${i}.id`, message: "not a tier of this event" }],
  );
  if (issues.length > 0) {
    const words = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    throw new DomainError("invalid_request", words, { details: { issues } });
  }
}

/** Per tier whose capacity is given: how far the ledger's capacity must move (zeros kept out). */
export function capacityDeltas(
  input: EventEditInput,
  stock: ReadonlyMap<string, Inventory>,
): Array<{ tierId: string; delta: number }> {
  return (input.classes ?? []).flatMap((c) => {
    const now = stock.get(c.id)?.capacity;
    if (c.capacity === undefined || now === undefined || c.capacity === now) return [];
    return [{ tierId: c.id, delta: c.capacity - now }];
  });
}

/** The refusal of a lowering the ledger turned down: what the tier has sold and held right now. */
export function belowSold(record: EventRecord, tierId: string, asked: number, now: Inventory | undefined): DomainError {
  const tier = record.classes.find((c) => c.id === tierId);
  const taken = now ? now.sold + now.held : null;
  const words = taken === null ? "" : ` (${now?.sold} sold + ${now?.held} held = ${taken})`;
  return new DomainError(
    "capacity_below_sold",
    `tier ${tier?.code ?? tierId} cannot go down to ${asked}: fewer than it has sold and held${words}`,
    { details: { tierId, code: tier?.code, capacity: asked, sold: now?.sold, held: now?.held } },
  );
}

type Change = { from: unknown; to: unknown };

/** What the edit changes, from → to, for the edit history; fields given unchanged are left out. */
export function editChanges(record: EventRecord, input: EventEditInput): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const note = (into: Record<string, Change>, key: string, from: unknown, to: unknown): void => {
    if (to !== undefined && to !== from) into[key] = { from, to };
  };
  note(changes as Record<string, Change>, "name", record.name, input.name);
  note(changes as Record<string, Change>, "venue", record.venue, input.venue);
  note(changes as Record<string, Change>, "description", record.description, input.description);
  const startsAt = input.startsAt === undefined || input.startsAt === null ? input.startsAt : iso(input.startsAt);
  note(changes as Record<string, Change>, "startsAt", record.startsAt, startsAt);
  const classes: Record<string, Record<string, Change>> = {};
  for (const c of input.classes ?? []) {
    const was = record.classes.find((k) => k.id === c.id);
    if (!was) continue;
    const tier: Record<string, Change> = {};
    note(tier, "name", was.name, c.name);
    note(tier, "priceCents", was.priceCents, c.priceCents);
    note(tier, "capacity", was.capacity, c.capacity);
    if (Object.keys(tier).length > 0) classes[`${was.code} ${c.id}`] = tier;
  }
  if (Object.keys(classes).length > 0) changes.classes = classes;
  return changes;
}

const iso = (t: string): string => new Date(t).toISOString();
