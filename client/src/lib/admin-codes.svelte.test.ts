// Goal: the dashboard's presale and codes state reads the presale and the codes, saves a presale
// end, refuses a batch the rules refuse without sending, and sends a promo batch as the server
// takes it (percentOff and tier only for promo codes), reading the list again after.
import { describe, expect, it } from "vitest";
import { AdminCodes } from "./admin-codes.svelte.js";
import type { Api } from "./api.js";

function fakeApi() {
  const sent: Array<{ method: string; path: string; body: unknown }> = [];
  let presale = { endsAt: null as string | null, open: false };
  const codes: unknown[] = [];
  const api = {
    get: async (e: { path: string }) => ({
      ok: true as const,
      data: e.path.includes("/presale") ? presale : { codes, nextCursor: null },
    }),
    put: async (e: { path: string }, body: { endsAt: string | null }) => {
      sent.push({ method: "PUT", path: e.path, body });
      presale = { endsAt: body.endsAt, open: body.endsAt !== null };
      return { ok: true as const, data: presale };
    },
    post: async (e: { path: string }, body: { count: number }) => {
      sent.push({ method: "POST", path: e.path, body });
      codes.push({ id: `c${codes.length}` });
      return { ok: true as const, data: { batchId: "b1", created: body.count } };
    },
  } as unknown as Pick<Api, "get" | "put" | "post">;
  return { api, sent, codes };
}

describe("AdminCodes", () => {
  it("saves a presale end, and an empty one as none", async () => {
    const { api, sent } = fakeApi();
    const state = new AdminCodes({ api, eventId: "e1" });
    await state.load();
    expect([state.presaleEndsAt, state.presaleOpen]).toEqual([null, false]);
    state.presaleInput = "soon";
    expect(await state.savePresale()).toBe(false);
    state.presaleInput = "2030-06-01T18:00";
    expect(await state.savePresale()).toBe(true);
    expect(sent[0]).toEqual({
      method: "PUT",
      path: "/api/admin/events/e1/presale",
      body: { endsAt: new Date("2030-06-01T18:00").toISOString() },
    });
    expect(state.presaleOpen).toBe(true);
    state.presaleInput = "";
    expect(await state.savePresale()).toBe(true);
    expect(sent[1]!.body).toEqual({ endsAt: null });
  });

  it("refuses a batch the rules refuse without sending; sends a promo batch with its tier", async () => {
    const { api, sent, codes } = fakeApi();
    const state = new AdminCodes({ api, eventId: "e1" });
    for (const [field, value] of [
      ["count", "0"],
      ["count", "10001"],
      ["uses", "1.5"],
      ["prefix", "no spaces"],
    ] as const) {
      const before = state[field];
      state[field] = value;
      expect(state.errors[field]).toBeDefined();
      expect(await state.createBatch()).toBe(false);
      state[field] = before;
    }
    expect(sent).toEqual([]);
    state.kind = "promo";
    state.percentOff = "101";
    expect(await state.createBatch()).toBe(false);
    Object.assign(state, { percentOff: "20", tierId: "t1", count: "50", uses: "2", prefix: "SPRING" });
    expect(await state.createBatch()).toBe(true);
    expect(sent[0]).toEqual({
      method: "POST",
      path: "/api/admin/events/e1/codes",
      body: { kind: "promo", count: 50, uses: 2, prefix: "SPRING", percentOff: 20, tierId: "t1" },
    });
    expect([state.notice, state.codes.length, codes.length]).toEqual(["Made 50 promo codes.", 1, 1]);
    state.kind = "presale";
    expect(await state.createBatch()).toBe(true);
    expect(sent[1]!.body).toEqual({ kind: "presale", count: 50, uses: 2, prefix: "SPRING" });
  });
});
