// The dashboard's "Edit" form state: an event's name, venue, description and start, and per tier
// its name, price and capacity, filled from the event as it is. `body()` sends only what changed
// (`PATCH /api/admin/events/:id`), checked against the same rules as the server
// (shared/src/api/event-rules.ts, through FormCheck) so the message under a field is the server's;
// the server's 422 lands on the same fields, and its 409s (capacity below sold + held, an ended
// sale) are said in plain words. A new price applies to holds placed after the save.
import { eventRules as rules, ruleWords as words } from "@stampede/shared/api/event-rules";
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { fieldErrorsFrom, isoToLocal, localToIso, parseMoney, type FieldErrors } from "./field-errors.js";
import { FormCheck } from "./form-check.js";
import type { EventView } from "./views.js";

export interface TierEditRow {
  id: string;
  code: string;
  currency: string;
  name: string;
  price: string;
  capacity: string;
  /** Sold + held when the form was filled: the least the capacity can go down to. */
  taken: number;
}

/** Minor units as typed in a price field ("45.00" for 4500 USD). */
export function priceText(cents: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  return (cents / 10 ** digits).toFixed(digits);
}

export class EventEdit {
  name = $state("");
  venue = $state("");
  description = $state("");
  startsAt = $state("");
  tiers = $state<TierEditRow[]>([]);
  saving = $state(false);
  errors = $state.raw<FieldErrors>({});
  /** A failure that isn't about one field, in plain words. */
  problem = $state<string | null>(null);
  errorCount = $derived(Object.keys(this.errors).length);

  #api: Pick<Api, "patch">;
  #event: EventView;

  constructor(api: Pick<Api, "patch">, event: EventView) {
    this.#api = api;
    this.#event = event;
    this.fill(event);
  }

  /** The fields as the event has them now. */
  fill(event: EventView): void {
    this.#event = event;
    this.name = event.name;
    this.venue = event.venue;
    this.description = event.description;
    this.startsAt = event.startsAt ? isoToLocal(event.startsAt) : "";
    this.tiers = event.classes.map((c) => ({
      id: c.id,
      code: c.code,
      currency: c.currency,
      name: c.name,
      price: priceText(c.priceCents, c.currency),
      capacity: String(c.capacity),
      taken: c.sold + c.held,
    }));
  }

  /** What changed, as the request body (null: nothing did), or the fields that can't be sent. */
  body(): { ok: true; body: endpoints.EditEventBody | null } | { ok: false; errors: FieldErrors } {
    const check = new FormCheck();
    const e = this.#event;
    const body: endpoints.EditEventBody = {};
    const name = check.text("name", this.name, rules.nameLengthMax);
    if (name !== e.name) body.name = name;
    const venue = this.venue.trim();
    if (venue.length > rules.venueLengthMax) check.fail("venue", words.textMax(rules.venueLengthMax));
    if (venue !== e.venue) body.venue = venue;
    const description = this.description.trim();
    if (description.length > rules.descriptionLengthMax)
      check.fail("description", words.textMax(rules.descriptionLengthMax));
    if (description !== e.description) body.description = description;
    const startsAt = localToIso(this.startsAt);
    if (startsAt === undefined) check.fail("startsAt", "not a valid date and time");
    // The minute typed is compared, not the instant: an unchanged field is not sent.
    else if ((startsAt === null ? "" : this.startsAt) !== (e.startsAt ? isoToLocal(e.startsAt) : "")) {
      if (startsAt !== null && Date.parse(startsAt) <= Date.now())
        check.fail("startsAt", "a date and time in the future");
      body.startsAt = startsAt;
    }
    const classes = this.tiers.flatMap((t, i) => tierChanges(check, t, i, e));
    if (classes.length > 0) body.classes = classes;
    if (!check.ok) return { ok: false, errors: check.errors };
    return { ok: true, body: Object.keys(body).length > 0 ? body : null };
  }

  /** Saves what changed; returns the event as it is now (the same one when nothing changed), or null. */
  async submit(): Promise<EventView | null> {
    if (this.saving) return null;
    this.problem = null;
    const built = this.body();
    if (!built.ok) {
      this.errors = built.errors;
      return null;
    }
    this.errors = {};
    if (built.body === null) return this.#event;
    this.saving = true;
    const result = await this.#api.patch(endpoints.editEvent(this.#event.id), built.body);
    this.saving = false;
    if (result.ok) {
      this.fill(result.data);
      return result.data;
    }
    this.#refused(result.error);
    return null;
  }

  #refused(error: ApiError): void {
    if (error.status === 422) {
      this.errors = fieldErrorsFrom(error);
      if (Object.keys(this.errors).length === 0) this.problem = "Something in the form wasn't accepted.";
      return;
    }
    if (error.code === "capacity_below_sold") {
      const tierId = (error.details as { tierId?: unknown } | undefined)?.tierId;
      const i = this.tiers.findIndex((t) => t.id === tierId);
      const key = `classes.${i}.capacity`;
      if (i !== -1) this.errors = { [key]: `Not below what is sold and held. ${error.message}` };
      this.problem = "Nothing was saved: a capacity is below the tickets already sold and held.";
    } else if (error.code === "event_ended") {
      this.problem = "This sale has ended (closed or cancelled): it can no longer be edited.";
    } else if (error.code === "forbidden") {
      this.problem = "Editing events needs the admin role.";
    } else {
      this.problem = `The changes weren't saved. ${plainMessage(error)}`;
    }
  }
}

/** One tier row's changes (name, price, capacity), each checked by its rule; none when unchanged. */
function tierChanges(
  check: FormCheck,
  t: TierEditRow,
  i: number,
  e: EventView,
): NonNullable<endpoints.EditEventBody["classes"]> {
  const was = e.classes.find((c) => c.id === t.id);
  if (!was) return [];
  const change: { id: string; name?: string; priceCents?: number; capacity?: number } = { id: t.id };
  const name = check.text(`classes.${i}.name`, t.name, rules.itemNameLengthMax);
  if (name !== was.name) change.name = name;
  const priceCents = parseMoney(t.price, t.currency);
  if (priceCents === null) check.fail(`classes.${i}.priceCents`, words.price);
  else if (priceCents > rules.priceCents.max) check.fail(`classes.${i}.priceCents`, words.priceMax);
  else if (priceCents !== was.priceCents) change.priceCents = priceCents;
  const capacity = check.whole(`classes.${i}.capacity`, t.capacity, rules.capacity);
  if (capacity !== undefined && capacity !== was.capacity) change.capacity = capacity;
  return Object.keys(change).length > 1 ? [change] : [];
}
