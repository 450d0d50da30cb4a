// Goal: the dashboard's Edit form sends only what changed (money in minor units, times in UTC),
// refuses what the server would refuse on the right field in the server's words, and says a
// refused lowering (capacity below sold + held) under the tier's capacity with nothing saved.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { EventEdit, priceText } from "./event-edit.svelte.js";
import { isoToLocal } from "./field-errors.js";
import { event, fakeFetch, json, tier } from "./test-support.js";

const shown = () =>
  event({ description: "", classes: [tier(), tier({ id: "c2", code: "VIP", name: "VIP", priceCents: 12_000 })] });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("EventEdit", () => {
  it("fills from the event and sends nothing when nothing changed", () => {
    const edit = new EventEdit(createApi({ fetch: fakeFetch(() => json(200, {})) }), shown());
    expect(edit.tiers.map((t) => [t.price, t.capacity, t.taken])).toEqual([
      ["45.00", "100", 10],
      ["120.00", "100", 10],
    ]);
    expect(edit.body()).toEqual({ ok: true, body: null });
    expect(priceText(1_250, "JPY")).toBe("1250");
  });

  it("sends only the changed fields", () => {
    const edit = new EventEdit(createApi({ fetch: fakeFetch(() => json(200, {})) }), shown());
    edit.name = "  Renamed ";
    edit.description = "Doors at 7";
    edit.startsAt = isoToLocal("2030-05-01T19:00:00Z");
    edit.tiers[1]!.price = "150";
    edit.tiers[0]!.capacity = "120";
    expect(edit.body()).toEqual({
      ok: true,
      body: {
        name: "Renamed",
        description: "Doors at 7",
        startsAt: "2030-05-01T19:00:00.000Z",
        classes: [
          { id: "c1", capacity: 120 },
          { id: "c2", priceCents: 15_000 },
        ],
      },
    });
  });

  it("refuses an empty name, a past date and a capacity that is not a positive whole number", () => {
    const edit = new EventEdit(createApi({ fetch: fakeFetch(() => json(200, {})) }), shown());
    edit.name = " ";
    edit.startsAt = isoToLocal("2020-01-01T00:00:00Z");
    edit.tiers[0]!.capacity = "0";
    edit.tiers[1]!.capacity = "2.5";
    const built = edit.body();
    expect(built.ok).toBe(false);
    expect(Object.keys(built.ok ? {} : built.errors).sort()).toEqual([
      "classes.0.capacity",
      "classes.1.capacity",
      "name",
      "startsAt",
    ]);
  });

  it("puts a refused lowering under the tier's capacity and keeps the form as typed", async () => {
    const fetch = fakeFetch(() =>
      json(409, {
        error: {
          code: "capacity_below_sold",
          message: "tier VIP cannot go down to 5",
          details: { tierId: "c2", capacity: 5, sold: 6, held: 4 },
        },
      }),
    );
    const edit = new EventEdit(createApi({ fetch }), shown());
    edit.tiers[1]!.capacity = "5";
    expect(await edit.submit()).toBeNull();
    expect(fetch.calls[0]).toMatchObject({ method: "PATCH", body: { classes: [{ id: "c2", capacity: 5 }] } });
    expect(edit.errors["classes.1.capacity"]).toMatch(/sold and held/);
    expect(edit.problem).toMatch(/Nothing was saved/);
    expect(edit.tiers[1]!.capacity).toBe("5");
  });
});
