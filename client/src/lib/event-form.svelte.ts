// The "New event" form's state: name, venue, start, tiers and perks as repeatable rows, the
// payment provider (among those the server is configured for), the waiting-room settings (FIFO or
// lottery, opening time, admission — automatic or a fixed rate —, holds, limits). Fields are
// kept as typed; `body()` turns them into `POST /api/admin/events` (contract.md "Admin") or
// into field errors, and the server's 422 lands on the same fields (lib/field-errors.ts).
import { assert } from "@stampede/shared/assert";
import { crossFieldIssues, eventRules as rules, ruleWords as words } from "@stampede/shared/api/event-rules";
import type { PaymentProviderName } from "@stampede/shared/api/events";
import { AdmissionInputs } from "./admission-inputs.svelte.js";
import { plainMessage, type Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { fieldErrorsFrom, localToIso, parseMoney, type FieldErrors } from "./field-errors.js";
import { FormCheck } from "./form-check.js";
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
  /** Who takes the event's payments; MockPay unless the admin picks another the server offers. */
  paymentProvider = $state<PaymentProviderName>("mockpay");
  tiers = $state<TierRow[]>([]);
  perks = $state<PerkRow[]>([]);
  mode = $state<"fifo" | "lottery">("fifo");
  opensAt = $state("");
  /** Automatic (the server's default) or a fixed rate, with its rates. */
  admission = new AdmissionInputs();
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

  /**
   * The request body, or the fields that can't become one (keyed like the server's 422), checked
   * against the same rules as the server (shared/src/api/event-rules.ts) and in the same words.
   */
  body(): { ok: true; body: endpoints.CreateEventBody } | { ok: false; errors: FieldErrors } {
    const check = new FormCheck();
    const name = check.text("name", this.name, rules.nameLengthMax);
    if (this.venue.trim().length > rules.venueLengthMax) check.fail("venue", words.textMax(rules.venueLengthMax));
    const time = (key: string, text: string): string | null => {
      const iso = localToIso(text);
      if (iso === undefined) check.fail(key, "not a valid date and time");
      return iso ?? null;
    };
    const startsAt = time("startsAt", this.startsAt);
    const classes = this.tiers.map((t, i) => tierBody(check, t, i));
    const perks = this.perks.map((p, i) => ({
      code: check.pattern(`perks.${i}.code`, p.code, rules.codePattern, words.code),
      name: check.text(`perks.${i}.name`, p.name, rules.itemNameLengthMax),
      capacity: check.whole(`perks.${i}.capacity`, p.capacity, rules.capacity),
    }));
    const room = (
      key: "maxActiveCheckouts" | "admissionTtlSeconds" | "holdSeconds" | "perFanMax",
    ): number | undefined => check.whole(`waitingRoom.${key}`, this[key], rules[key]);
    const waitingRoom = {
      mode: this.mode,
      opensAt: time("waitingRoom.opensAt", this.opensAt),
      ...this.admission.settings(check, "waitingRoom."),
      maxActiveCheckouts: room("maxActiveCheckouts"),
      admissionTtlSeconds: room("admissionTtlSeconds"),
      holdSeconds: room("holdSeconds"),
      perFanMax: room("perFanMax"),
      endAdmissionOnPaid: this.endAdmissionOnPaid,
    };
    for (const issue of crossFieldIssues({ classes, perks, perFanMax: waitingRoom.perFanMax }))
      check.fail(issue.path.join("."), issue.message);
    if (!check.ok) return { ok: false, errors: check.errors };
    const body: endpoints.CreateEventBody = {
      name,
      startsAt,
      status: this.status,
      paymentProvider: this.paymentProvider,
      classes: classes.map((c) => ({ ...c, priceCents: checked(c.priceCents), capacity: checked(c.capacity) })),
      perks: perks.map((p) => ({ ...p, capacity: checked(p.capacity) })),
      waitingRoom,
    };
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
    const result = await this.#api.post(endpoints.createEvent(), built.body);
    this.submitting = false;
    if (result.ok) return result.data;
    if (result.error.status === 422) {
      this.errors = fieldErrorsFrom(result.error);
      if (Object.keys(this.errors).length === 0)
        this.problem = "Something in the form wasn't accepted. Check the fields and try again.";
    } else {
      this.problem =
        result.error.code === "forbidden"
          ? "Creating events needs the admin role."
          : `The event wasn't created. ${plainMessage(result.error)}`;
    }
    return null;
  }
}

/** A field's value once the whole form passed its check, which fails every field it could not read. */
function checked<T>(value: T | undefined): T {
  assert(value !== undefined, "a form that passed its check has every field");
  return value;
}

/** One tier row as the API's class, each field checked by its rule. */
function tierBody(check: FormCheck, t: TierRow, i: number) {
  const currency = check.pattern(
    `classes.${i}.currency`,
    t.currency.toUpperCase(),
    rules.currencyPattern,
    words.currency,
  );
  const priceCents = parseMoney(t.price, currency);
  if (priceCents === null) check.fail(`classes.${i}.priceCents`, words.price);
  else if (priceCents > rules.priceCents.max) check.fail(`classes.${i}.priceCents`, words.priceMax);
  return {
    code: check.pattern(`classes.${i}.code`, t.code, rules.codePattern, words.code),
    name: check.text(`classes.${i}.name`, t.name, rules.itemNameLengthMax),
    priceCents: priceCents ?? undefined,
    currency,
    capacity: check.whole(`classes.${i}.capacity`, t.capacity, rules.capacity),
    perOrderMax: check.whole(`classes.${i}.perOrderMax`, t.perOrderMax, rules.perOrderMax),
  };
}
