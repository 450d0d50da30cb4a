// Event, tier and perk shapes of the public contract, shared by server (validation) and client.
import { z } from "zod";
import { crossFieldIssues, eventRules as r, ruleWords as w, type WholeRange } from "./event-rules.js";

export const eventStatuses = ["draft", "scheduled", "on_sale", "paused", "sold_out", "closed", "cancelled"] as const;
export type EventStatus = (typeof eventStatuses)[number];

/** Who takes an event's payments: MockPay (simulated; the default and the demo's) or Stripe Checkout. */
export const paymentProviderNames = ["mockpay", "stripe"] as const;
export type PaymentProviderName = (typeof paymentProviderNames)[number];

export const queueModes = ["fifo", "lottery"] as const;

// Every message states the rule (event-rules.ts): the form shows it under the field as it is.
const code = z.string({ error: w.code }).regex(r.codePattern, w.code);
const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string({ error: w.required }).min(1, w.required).max(max, w.textMax(max));
const whole = (range: WholeRange) => {
  const rule = w.whole(range);
  return z.number({ error: rule }).int(rule).min(range.min, rule).max(range.max, rule);
};

const description = z.string().max(r.descriptionLengthMax, w.textMax(r.descriptionLengthMax));
const priceCents = z
  .number({ error: w.price })
  .int(w.price)
  .min(r.priceCents.min, w.price)
  .max(r.priceCents.max, w.priceMax);

export const classInput = z.object({
  code,
  name: text(r.itemNameLengthMax),
  priceCents,
  currency: z.string({ error: w.currency }).regex(r.currencyPattern, w.currency).default("USD"),
  capacity: whole(r.capacity),
  perOrderMax: whole(r.perOrderMax).default(4),
});

export const perkInput = z.object({
  code,
  name: text(r.itemNameLengthMax),
  capacity: whole(r.capacity),
});

export const admitPerMinuteInput = whole(r.admitPerMinute);
export const maxActiveCheckoutsInput = whole(r.maxActiveCheckouts);

/** auto: the room steers its own rate from the checkout's health (admission-control.ts) between
 * a floor and a ceiling, starting at admitPerMinute, and never admits more fans than the stock
 * left could serve. manual: exactly admitPerMinute, as the operator set it. */
export const admissionModes = ["auto", "manual"] as const;
export type AdmissionMode = (typeof admissionModes)[number];

export const admissionDefaults = { admitPerMinute: 600, floorPerMinute: 60, ceilingPerMinute: 60_000 } as const;

/** An operator who names a rate and no mode gets that rate (manual); one who names neither, auto. */
export function admissionModeFor(given: {
  admission?: AdmissionMode | undefined;
  admitPerMinute?: number | undefined;
}): AdmissionMode {
  return given.admission ?? (given.admitPerMinute === undefined ? "auto" : "manual");
}

export const admissionModeInput = z.enum(admissionModes, { error: "auto or manual" });

export const waitingRoomInput = z
  .object({
    mode: z.enum(queueModes).default("fifo"),
    opensAt: isoTime.nullable().default(null),
    admission: admissionModeInput.optional(),
    admitPerMinute: admitPerMinuteInput.optional(),
    admitPerMinuteFloor: admitPerMinuteInput.default(admissionDefaults.floorPerMinute),
    admitPerMinuteCeiling: admitPerMinuteInput.default(admissionDefaults.ceilingPerMinute),
    maxActiveCheckouts: maxActiveCheckoutsInput.default(200),
    admissionTtlSeconds: whole(r.admissionTtlSeconds).default(600),
    holdSeconds: whole(r.holdSeconds).default(300),
    perFanMax: whole(r.perFanMax).default(6),
    endAdmissionOnPaid: z.boolean().default(true),
  })
  .refine((wr) => wr.admitPerMinuteFloor <= wr.admitPerMinuteCeiling, {
    message: w.floorCeiling,
    path: ["admitPerMinuteFloor"],
  })
  .transform((wr) => ({
    ...wr,
    admission: admissionModeFor(wr),
    admitPerMinute: wr.admitPerMinute ?? admissionDefaults.admitPerMinute,
  }));

export const createEventInput = z
  .object({
    name: text(r.nameLengthMax),
    slug: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, "lowercase letters, digits and dashes")
      .optional(),
    venue: z.string().max(r.venueLengthMax, w.textMax(r.venueLengthMax)).default(""),
    description: description.default(""),
    startsAt: isoTime.nullable().default(null),
    status: z.enum(["draft", "scheduled", "on_sale"]).default("draft"),
    classes: z.array(classInput).min(1, "add at least one tier").max(r.classesMax, `at most ${r.classesMax} tiers`),
    perks: z.array(perkInput).max(r.perksMax, `at most ${r.perksMax} perks`).default([]),
    waitingRoom: waitingRoomInput.default(waitingRoomInput.parse({})),
    paymentProvider: z.enum(paymentProviderNames).default("mockpay"),
  })
  .superRefine((e, ctx) => {
    for (const issue of crossFieldIssues({ classes: e.classes, perks: e.perks, perFanMax: e.waitingRoom.perFanMax }))
      ctx.addIssue({ code: "custom", ...issue });
  });
export type CreateEventInput = z.output<typeof createEventInput>;

/** `POST /api/admin/events/:eventId/status`: where to move the event (the server refuses a move its workflow has not). */
export const eventStatusInput = z.object({ status: z.enum(eventStatuses) });

/** `PATCH /api/admin/events/:eventId/waiting-room`: the settings to change, at least one; `paused` pauses or
 * resumes the sale. */
export const waitingRoomPatchInput = z
  .object({
    admission: admissionModeInput.optional(),
    admitPerMinute: admitPerMinuteInput.optional(),
    admitPerMinuteFloor: admitPerMinuteInput.optional(),
    admitPerMinuteCeiling: admitPerMinuteInput.optional(),
    maxActiveCheckouts: maxActiveCheckoutsInput.optional(),
    paused: z.boolean().optional(),
  })
  .refine(
    (p) => Object.keys(p).length > 0,
    "give at least one setting (admission, admitPerMinute, its floor or ceiling, maxActiveCheckouts, paused)",
  );

/** One tier's changes in `PATCH /api/admin/events/:eventId`, named by its id; what is not given
 * stays. A new price applies to holds placed after the edit: an order keeps the price it was held
 * at. Capacity is refused below what is sold and held (409 capacity_below_sold). */
export const classEditInput = z.strictObject({
  id: z.string({ error: "the id of one of the event's tiers" }),
  name: text(r.itemNameLengthMax).optional(),
  priceCents: priceCents.optional(),
  capacity: whole(r.capacity).optional(),
});

/** A start date must still be ahead when it is set (null: to be announced). */
const futureTime = isoTime.refine((t) => Date.parse(t) > Date.now(), "a date and time in the future");

/** `PATCH /api/admin/events/:eventId`: the fields to change, at least one; an unknown field is refused. */
export const eventEditInput = z
  .strictObject({
    name: text(r.nameLengthMax).optional(),
    venue: z.string().max(r.venueLengthMax, w.textMax(r.venueLengthMax)).optional(),
    description: description.optional(),
    startsAt: futureTime.nullable().optional(),
    classes: z.array(classEditInput).max(r.classesMax, `at most ${r.classesMax} tiers`).optional(),
  })
  .refine((e) => Object.keys(e).length > 0, "give at least one field (name, venue, description, startsAt, classes)")
  .superRefine((e, ctx) => {
    const ids = (e.classes ?? []).map((c) => c.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({ code: "custom", path: ["classes", i, "id"], message: "one line per tier" });
    });
  });
export type EventEditInput = z.output<typeof eventEditInput>;

// The answers (contract.md "Events"): the server's handlers are typed from these and its response
// check parses each answer with them; the client's views are the same types. Strict, as the
// OpenAPI document says (no other field): a field the server adds must be declared here first.
const count = z.int().min(0);
/** Times go out as ISO-8601 UTC (toISOString), as the contract says. */
const utcTime = z.iso.datetime();

export const classView = z.strictObject({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  priceCents: z.int(),
  currency: z.string(),
  capacity: count,
  perOrderMax: count,
  available: count,
  held: count,
  sold: count,
});
export type ClassView = z.output<typeof classView>;

export const perkView = z.strictObject({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  capacity: count,
  granted: count,
});
export type PerkView = z.output<typeof perkView>;

export const waitingRoomView = z.strictObject({
  mode: z.enum(queueModes),
  opensAt: utcTime.nullable(),
  admission: z.enum(admissionModes),
  /** manual: the rate; auto: where the room starts steering from. */
  admitPerMinute: count,
  admitPerMinuteFloor: count,
  admitPerMinuteCeiling: count,
  maxActiveCheckouts: count,
  admissionTtlSeconds: count,
  holdSeconds: count,
  perFanMax: count,
  endAdmissionOnPaid: z.boolean(),
});
export type WaitingRoomSettings = z.output<typeof waitingRoomView>;

export const eventView = z.strictObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  venue: z.string(),
  description: z.string(),
  startsAt: utcTime.nullable(),
  status: z.enum(eventStatuses),
  paymentProvider: z.enum(paymentProviderNames),
  waitingRoom: waitingRoomView,
  classes: z.array(classView),
  perks: z.array(perkView),
});
export type EventView = z.output<typeof eventView>;

/** `GET /api/events` (published) and `GET /api/admin/events` (any status). */
export const eventListView = z.strictObject({ events: z.array(eventView) });
export type EventListView = z.output<typeof eventListView>;
