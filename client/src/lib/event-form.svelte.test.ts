// Goal: the New event form sends the contract's body (money in minor units, times in UTC,
// numbers as numbers), refuses what can't be converted on the right field, and puts the
// server's 422 on the fields it names, in plain words.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { EventDraft } from "./event-form.svelte.js";
import { fieldErrorsFrom, isoToLocal, localToIso, parseMoney, plainIssue, wholeNumber } from "./field-errors.js";
import { apiError, event, fakeFetch, json } from "./test-support.js";
import { createEventInput } from "@stampede/shared/api/events";

/** What the server's 422 would put on the form for this body: its schema, its field paths (http/route.ts). */
function serverErrors(body: unknown) {
  const parsed = createEventInput.safeParse(body);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), message: i.message }));
  return fieldErrorsFrom({
    status: 422,
    code: "invalid_request",
    message: "invalid",
    retryAfterSeconds: null,
    details: { issues },
  });
}

const tierOk = { code: "GA", name: "General", priceCents: 4_500, currency: "USD", capacity: 500, perOrderMax: 4 };

describe("conversions", () => {
  it("reads money in the currency's minor units", () => {
    expect(parseMoney("45", "USD")).toBe(4_500);
    expect(parseMoney("45.5", "USD")).toBe(4_550);
    expect(parseMoney("1,045.05", "USD")).toBe(104_505);
    expect(parseMoney("1250", "JPY")).toBe(1_250);
    for (const bad of ["", "abc", "4.555", "-1", "1e3"]) expect(parseMoney(bad, "USD"), bad).toBeNull();
    expect(parseMoney("1.5", "JPY")).toBeNull();
    expect(parseMoney("1", "ZZ")).toBe(100); // not a code: the currency field says so, the price still reads
  });

  it("reads whole numbers and local times", () => {
    expect(wholeNumber(" 12 ")).toBe(12);
    expect(wholeNumber("1.5")).toBeNull();
    expect(localToIso("")).toBeNull();
    expect(localToIso("yesterday")).toBeUndefined();
    const iso = "2030-03-14T19:30:00.000Z";
    expect(localToIso(isoToLocal(iso))).toBe(iso);
  });

  it("says zod's messages in plain words", () => {
    expect(plainIssue("Too small: expected number to be >=1")).toBe("Must be at least 1.");
    expect(plainIssue("Too big: expected number to be <=100")).toBe("Must be at most 100.");
    expect(plainIssue("Too small: expected string to have >=1 characters")).toBe("Required.");
    expect(plainIssue("Too small: expected array to have >=1 items")).toBe("Add at least one.");
    expect(plainIssue("duplicate class code A")).toBe("Duplicate class code A.");
  });

  it("maps a 422 to fields, from details or from the message", () => {
    const withDetails = {
      status: 422,
      code: "invalid_request" as const,
      message: "body.classes.0.capacity: Too small: expected number to be >=1",
      retryAfterSeconds: null,
      details: {
        issues: [
          { field: "body.classes.0.capacity", message: "Too small: expected number to be >=1" },
          { field: "body.name", message: "Too big: expected string to have <=200 characters" },
        ],
      },
    };
    expect(fieldErrorsFrom(withDetails)).toEqual({
      "classes.0.capacity": "Must be at least 1.",
      name: "At most 200 characters.",
    });
    expect(fieldErrorsFrom({ ...withDetails, details: undefined })).toEqual({
      "classes.0.capacity": "Must be at least 1.",
    });
  });
});

function setup(answer: () => Response = () => json(201, event({ id: "new-1" }))) {
  const fetch = fakeFetch(answer);
  return { fetch, draft: new EventDraft(createApi({ fetch })) };
}

describe("EventDraft", () => {
  it("starts with one tier and sends the contract's body", async () => {
    const { draft, fetch } = setup();
    draft.name = "  Spring Night ";
    draft.venue = "Hall 1";
    draft.startsAt = isoToLocal("2030-03-14T19:30:00.000Z");
    draft.status = "on_sale";
    draft.tiers[0]!.price = "99.50";
    draft.addTier();
    Object.assign(draft.tiers[1]!, { code: "VIP", name: "VIP", price: "150", capacity: "20", perOrderMax: "2" });
    draft.addPerk();
    Object.assign(draft.perks[0]!, { code: "POSTER", name: "Poster", capacity: "50" });
    draft.mode = "lottery";
    draft.opensAt = isoToLocal("2030-03-01T10:00:00.000Z");
    expect(draft.paymentProvider).toBe("mockpay"); // the default
    draft.paymentProvider = "stripe";
    expect((await draft.submit())?.id).toBe("new-1");
    expect(fetch.calls[0]?.body).toEqual({
      name: "Spring Night",
      venue: "Hall 1",
      startsAt: "2030-03-14T19:30:00.000Z",
      status: "on_sale",
      paymentProvider: "stripe",
      classes: [
        { code: "GA", name: "General admission", priceCents: 9_950, currency: "USD", capacity: 500, perOrderMax: 4 },
        { code: "VIP", name: "VIP", priceCents: 15_000, currency: "USD", capacity: 20, perOrderMax: 2 },
      ],
      perks: [{ code: "POSTER", name: "Poster", capacity: 50 }],
      waitingRoom: {
        mode: "lottery",
        opensAt: "2030-03-01T10:00:00.000Z",
        admission: "auto",
        admitPerMinute: 600,
        admitPerMinuteFloor: 60,
        admitPerMinuteCeiling: 60_000,
        maxActiveCheckouts: 200,
        admissionTtlSeconds: 600,
        holdSeconds: 300,
        perFanMax: 6,
        endAdmissionOnPaid: true,
      },
    });
  });

  it("a fixed rate sends only the rate: the server keeps it as the operator set it", async () => {
    const { draft, fetch } = setup();
    draft.name = "Fixed";
    draft.admission.mode = "manual";
    draft.admission.admitPerMinute = "120";
    draft.admission.admitPerMinuteFloor = "not used"; // a fixed rate has no floor: no message
    expect(await draft.submit()).not.toBeNull();
    const sent = (fetch.calls[0]?.body as { waitingRoom: Record<string, unknown> }).waitingRoom;
    expect(sent).toMatchObject({ admission: "manual", admitPerMinute: 120 });
    expect(sent).not.toHaveProperty("admitPerMinuteFloor");
    expect(createEventInput.parse(fetch.calls[0]?.body).waitingRoom).toMatchObject({
      admission: "manual",
      admitPerMinute: 120,
    });
  });

  it("refuses what it can't convert, on the right field, without calling the server", async () => {
    const { draft, fetch } = setup();
    draft.tiers[0]!.price = "lots";
    draft.holdSeconds = "5.5";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({
      name: "Required.",
      "classes.0.priceCents": expect.any(String),
      "waitingRoom.holdSeconds": "A whole number from 5 to 3,600.",
    });
    expect(fetch.calls).toEqual([]);
  });

  it("puts the server's 422 on its fields", async () => {
    const { draft } = setup(() =>
      json(422, {
        error: {
          code: "invalid_request",
          message: "body.classes.0.capacity: x",
          details: { issues: [{ field: "body.classes.0.capacity", message: "Too small: expected number to be >=1" }] },
        },
      }),
    );
    draft.name = "X";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ "classes.0.capacity": "Must be at least 1." });
    expect(draft.errorCount).toBe(1);
  });

  it("puts a provider the server is not configured for on the provider's field", async () => {
    const message = "payment provider stripe is not configured on this server";
    const { draft } = setup(() =>
      json(422, {
        error: {
          code: "invalid_request",
          message: `body.paymentProvider: ${message}`,
          details: { issues: [{ field: "body.paymentProvider", message }] },
        },
      }),
    );
    draft.name = "X";
    draft.paymentProvider = "stripe";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ paymentProvider: "Payment provider stripe is not configured on this server." });
  });

  it("says other failures plainly; keeps at least one tier", async () => {
    const { draft } = setup(() => apiError(403, "forbidden"));
    draft.name = "X";
    await draft.submit();
    expect(draft.problem).toBe("Creating events needs the admin role.");
    draft.removeTier(draft.tiers[0]!.key);
    expect(draft.tiers).toHaveLength(1);
  });
});

describe("every message under its field, stating the rule, the same from the form and the server", () => {
  it("a currency such as zz: under the currency, not under the good price", async () => {
    const { draft, fetch } = setup();
    draft.name = "X";
    draft.tiers[0]!.currency = "zz";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ "classes.0.currency": "A three-letter currency code such as USD." });
    expect(fetch.calls).toEqual([]);
    expect(serverErrors({ name: "X", classes: [{ ...tierOk, currency: "ZZ" }] })).toEqual(draft.errors);
  });

  it("a rate of 999999999: the real range, not 'at least 1'", async () => {
    const { draft } = setup();
    draft.name = "X";
    draft.admission.mode = "manual";
    draft.admission.admitPerMinute = "999999999";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ "waitingRoom.admitPerMinute": "A whole number from 1 to 1,000,000." });
    expect(serverErrors({ name: "X", classes: [tierOk], waitingRoom: { admitPerMinute: 999_999_999 } })).toEqual(
      draft.errors,
    );
  });

  it("a floor above the ceiling: under the floor, in the server's words", async () => {
    const { draft } = setup();
    draft.name = "X";
    draft.admission.admitPerMinuteFloor = "5000";
    draft.admission.admitPerMinuteCeiling = "1000";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ "waitingRoom.admitPerMinuteFloor": "The floor must not be above the ceiling." });
    const waitingRoom = { admission: "auto", admitPerMinuteFloor: 5_000, admitPerMinuteCeiling: 1_000 };
    const body = { name: "X", classes: [tierOk], waitingRoom };
    expect(serverErrors(body)).toEqual(draft.errors);
  });

  it("a ceiling past the rule: under the ceiling, the same from both ends", async () => {
    const { draft } = setup();
    draft.name = "X";
    draft.admission.admitPerMinuteCeiling = "2000000";
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({ "waitingRoom.admitPerMinuteCeiling": "A whole number from 1 to 1,000,000." });
    expect(serverErrors({ name: "X", classes: [tierOk], waitingRoom: { admitPerMinuteCeiling: 2_000_000 } })).toEqual(
      draft.errors,
    );
  });

  it("an empty submit flags the name and every field of a blank tier row", async () => {
    const { draft } = setup();
    draft.addTier();
    expect(await draft.submit()).toBeNull();
    const blankRow = {
      "classes.1.code": "1 to 32 letters, digits, _ or - (no spaces).",
      "classes.1.name": "Required.",
      "classes.1.priceCents": "An amount such as 45 or 45.50.",
      "classes.1.capacity": "A whole number from 1 to 10,000,000.",
    };
    expect(draft.errors).toEqual({ name: "Required.", ...blankRow });
    expect(
      serverErrors({ name: "", classes: [tierOk, { code: "", name: "", currency: "USD", perOrderMax: 4 }] }),
    ).toEqual(draft.errors);
  });

  it("rules across fields sit on the field to change", async () => {
    const { draft } = setup();
    draft.name = "X";
    draft.addTier();
    Object.assign(draft.tiers[1]!, {
      code: "GA",
      name: "Again",
      price: "10",
      currency: "EUR",
      capacity: "5",
      perOrderMax: "9",
    });
    expect(await draft.submit()).toBeNull();
    expect(draft.errors).toEqual({
      "classes.1.code": "Another tier already has the code GA.",
      "classes.1.currency": "Every tier of an event uses the same currency (the first tier's USD).",
      "classes.1.perOrderMax": "At most the tickets per fan (6).",
    });
    expect(
      serverErrors({
        name: "X",
        classes: [
          tierOk,
          { code: "GA", name: "Again", priceCents: 1_000, currency: "EUR", capacity: 5, perOrderMax: 9 },
        ],
      }),
    ).toEqual(draft.errors);
  });
});
