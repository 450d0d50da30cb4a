// Goal: the lottery page finds a fan's place and its browser check says "matches" exactly when
// the published seed hashes to the published fingerprint and orders the ids as published —
// using the real recipe (shared/src/core/lottery.ts), and failing plainly on tampered data.
import { lotteryOrder, seedHash } from "@stampede/shared/core/lottery";
import type { LotteryView } from "@stampede/shared/protocol";
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { LotteryCheck } from "./lottery.svelte.js";
import { fakeFetch, json } from "./test-support.js";

const seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const ids = ["fan-a", "fan-b", "fan-c", "fan-d", "fan-e"];

async function published(overrides: Partial<LotteryView> = {}): Promise<LotteryView> {
  return {
    eventId: "e1",
    mode: "lottery",
    seedHash: await seedHash(seed),
    seed,
    drawnAt: "2030-03-14T18:00:00Z",
    order: await lotteryOrder(seed, ids),
    ...overrides,
  };
}

async function loaded(view: LotteryView): Promise<LotteryCheck> {
  const fetch = fakeFetch((call) => (call.path === "/api/events/e1/lottery" ? json(200, view) : json(404, {})));
  const check = new LotteryCheck(createApi({ fetch }), "e1");
  await check.load();
  return check;
}

describe("LotteryCheck", () => {
  it("finds a fan's place, or says the id is not in the draw", async () => {
    const view = await published();
    const check = await loaded(view);
    expect(check.place).toBeNull();
    check.query = ` ${view.order?.[2]} `;
    expect(check.place).toBe(3);
    check.query = "stranger";
    expect(check.place).toBe(0);
  });

  it("a faithful draw matches", async () => {
    const check = await loaded(await published());
    await check.check();
    expect(check.verify).toEqual({ kind: "done", hashMatches: true, orderMatches: true, problem: null });
  });

  it("a swapped order, or a seed that is not the committed one, does not match", async () => {
    const view = await published();
    const swapped = [...(view.order ?? [])];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    const reordered = await loaded({ ...view, order: swapped });
    await reordered.check();
    expect(reordered.verify).toMatchObject({ kind: "done", hashMatches: true, orderMatches: false });

    const otherSeed = "ff".repeat(32);
    const resealed = await loaded({ ...view, seed: otherSeed, order: await lotteryOrder(otherSeed, ids) });
    await resealed.check();
    expect(resealed.verify).toMatchObject({ kind: "done", hashMatches: false, orderMatches: true });
  });

  it("published data the recipe refuses is a failed check with the reason", async () => {
    const check = await loaded(await published({ order: ["fan-a", "fan-a"] }));
    await check.check();
    expect(check.verify).toMatchObject({
      kind: "done",
      orderMatches: false,
      problem: expect.stringMatching(/duplicate/),
    });
  });

  it("there is nothing to check before the draw", async () => {
    const check = await loaded(await published({ seed: null, order: null, drawnAt: null }));
    await check.check();
    expect(check.verify.kind).toBe("idle");
    check.query = "fan-a";
    expect(check.place).toBeNull();
  });
});
