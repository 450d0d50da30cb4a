// The "New event" form's state: name, venue, start, tiers and perks as repeatable rows, the
// waiting-room settings (FIFO or lottery, opening time, admission, holds, limits). Fields are
// kept as typed; `body()` turns them into `POST /api/admin/events` (contract.md "Admin") or
// into field errors, and the server's 422 lands on the same fields (lib/field-errors.ts).
import { plainMessage, type Api } from "./api.js";
import { fieldErrorsFrom, localToIso, parseMoney, wholeNumber, type FieldErrors } from "./field-errors.js";
import type { EventView } from "./views.js";

export interface TierRow {
  key: number;
  code: string;
  name: string;
  price: string;
  currency: string;
  capacity: string;
  perOrderMax: string;
}

export interface PerkRow {
  key: number;
  code: string;
  name: string;
  capacity: string;
}

export type InitialStatus = "draft" | "scheduled" | "on_sale";

export class EventDraft {
  name = $state("");
  venue = $state("");
  startsAt = $state("");
  status = $state<InitialStatus>("draft");
  tiers = $state<TierRow[]>([]);
  perks = $state<PerkRow[]>([]);
  mode = $state<"fifo" | "lottery">("fifo");
  opensAt = $state("");
  admitPerMinute = $state("600");
  maxActiveCheckouts = $state("200");
  admissionTtlSeconds = $state("600");
  holdSeconds = $state("300");
  perFanMax = $state("6");
  endAdmissionOnPaid = $state(true);

  submitting = $state(false);
  errors = $state.raw<FieldErrors>({});
  /** A failure that isn't about one field, in plain words. */
  problem = $state<string | null>(null);
  errorCount = $derived(Object.keys(this.errors).length);

  #api: Pick<Api, "post">;
  #nextKey = 0;

  constructor(api: Pick<Api, "post">) {
    this.#api = api;
    this.addTier();
  }

  addTier(): void {
    const first = this.tiers.length === 0;
    this.tiers.push({
      key: (this.#nextKey += 1),
      code: first ? "GA" : "",
      name: first ? "General admission" : "",
      price: first ? "45.00" : "",
      currency: this.tiers[0]?.currency ?? "USD",
      capacity: first ? "500" : "",
      perOrderMax: "4",
    });
  }

  removeTier(key: number): void {
    if (this.tiers.length > 1) this.tiers = this.tiers.filter((t) => t.key !== key);
  }

  addPerk(): void {
    this.perks.push({ key: (this.#nextKey += 1), code: "", name: "", capacity: "100" });
  }

  removePerk(key: number): void {
    this.perks = this.perks.filter((p) => p.key !== key);
  }

  /** The request body, or the fields that can't become one (keyed like the server's 422). */
  body(): { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
    const errors: FieldErrors = {};
    const need = <T>(key: string, value: T | null | undefined, message: string): T | undefined => {
      if (value === null || value === undefined) errors[key] = message;
      return value ?? undefined;
    };
    const whole = "A whole number.";
    if (this.name.trim() === "") errors.name = "Required.";
    const time = (key: string, text: string): string | null => {
      const iso = localToIso(text);
      if (iso === undefined) errors[key] = "Not a valid date and time.";
      return iso ?? null;
    };
    const startsAt = time("startsAt", this.startsAt);
    const opensAt = time("waitingRoom.opensAt", this.opensAt);
    const classes = this.tiers.map((t, i) => ({
      code: t.code.trim(),
      name: t.name.trim(),
      priceCents: need(`classes.${i}.priceCents`, parseMoney(t.price, t.currency.trim().toUpperCase()), "An amount such as 45 or 45.50."),
      currency: t.currency.trim().toUpperCase(),
      capacity: need(`classes.${i}.capacity`, wholeNumber(t.capacity), whole),
      perOrderMax: need(`classes.${i}.perOrderMax`, wholeNumber(t.perOrderMax), whole),
    }));
    const perks = this.perks.map((p, i) => ({ code: p.code.trim(), name: p.name.trim(), capacity: need(`perks.${i}.capacity`, wholeNumber(p.capacity), whole) }));
    const room = (key: string, text: string): number | undefined => need(`waitingRoom.${key}`, wholeNumber(text), whole);
    const waitingRoom = {
      mode: this.mode,
      opensAt,
      admitPerMinute: room("admitPerMinute", this.admitPerMinute),
      maxActiveCheckouts: room("maxActiveCheckouts", this.maxActiveCheckouts),
      admissionTtlSeconds: room("admissionTtlSeconds", this.admissionTtlSeconds),
      holdSeconds: room("holdSeconds", this.holdSeconds),
      perFanMax: room("perFanMax", this.perFanMax),
      endAdmissionOnPaid: this.endAdmissionOnPaid,
    };
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const body: Record<string, unknown> = { name: this.name.trim(), startsAt, status: this.status, classes, perks, waitingRoom };
    if (this.venue.trim() !== "") body.venue = this.venue.trim();
    return { ok: true, body };
  }

  /** Creates the event; on a 422 the fields say what to fix. Returns the new event or null. */
  async submit(): Promise<EventView | null> {
    if (this.submitting) return null;
    this.problem = null;
    const built = this.body();
    if (!built.ok) {
      this.errors = built.errors;
      return null;
    }
    this.errors = {};
    this.submitting = true;
    const result = await this.#api.post<EventView>("/api/admin/events", built.body);
    this.submitting = false;
    if (result.ok) return result.data;
    if (result.error.status === 422) {
      this.errors = fieldErrorsFrom(result.error);
      if (Object.keys(this.errors).length === 0) this.problem = "Something in the form wasn't accepted. Check the fields and try again.";
    } else {
      this.problem = result.error.code === "forbidden" ? "Creating events needs the admin role." : `The event wasn't created. ${plainMessage(result.error)}`;
    }
    return null;
  }
}
