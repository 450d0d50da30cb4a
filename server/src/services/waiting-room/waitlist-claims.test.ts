// Goal: the waiting list's claims on a clock the test controls (real Redis). One ticket comes back
// to a sold-out room with three fans on the list: the tick offers it to the first fan only (the open
// claim leaves no stock room), the next ticks admit nobody while the claim is open, and the tick
// after its deadline offers it to the second fan. Negative control: without the claims counted, the
// next tick would admit the second fan for the same ticket. Places kept while away: only the listed
// fans', and an open claim's until its deadline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitOptions,
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../test/support/waiting-room.js";
import { stockRoomWithClaims } from "./waitlist-service.js";
import { WaitlistStore } from "../../adapters/redis/waiting-room/waitlist-store.js";

let bed: WaitingRoomTestbed;
let list: WaitlistStore;
const ttlMs = 600_000;

beforeAll(async () => {
  bed = await createTestbed(1);
  list = new WaitlistStore(bed.redis.client, bed.redis.prefix);
});
afterAll(() => bed.cleanup());

/** One tick with one ticket available: the room the ticker gives it, with or without the list's claims. */
async function tick(eventId: string, nowMs: number, countClaims = true) {
  const claims = countClaims ? (await list.counts(eventId, nowMs)).openOffers : 0;
  const stockRoom = stockRoomWithClaims(undefined, 1, claims);
  const { admitted } = await bed.store.admit(eventId, admitOptions(nowMs, { admissionTtlMs: ttlMs, stockRoom }));
  const offers = await list.markOffered(eventId, admitted);
  return { admitted: admitted.map((a) => a.fanId), offered: offers.map((o) => o.fanId) };
}

async function listedRoom(count: number) {
  const eventId = newEventId();
  const fans = fanIds(count);
  for (const f of fans) {
    await bed.store.join(eventId, f, t0);
    await list.add(eventId, f, t0);
  }
  return { eventId, fans };
}

describe("waiting-list claims", () => {
  it("one returned ticket, one open claim at a time; the deadline passes it to the next fan", async () => {
    const { eventId, fans } = await listedRoom(3);
    const [first, second, third] = fans as [string, string, string];
    expect(await tick(eventId, t0 + 1_000)).toEqual({ admitted: [first], offered: [first] });
    expect(await list.get(eventId, first)).toMatchObject({ state: "offered", deadlineMs: t0 + 1_000 + ttlMs });
    expect(await list.counts(eventId, t0 + 1_000)).toEqual({ waiting: 2, openOffers: 1 });
    // Away with an open claim: kept until its deadline, not after.
    expect(await list.keptAmong(eventId, [first], t0 + 2_000)).toEqual(new Set([first]));
    expect(await list.keptAmong(eventId, [first], t0 + 1_000 + ttlMs)).toEqual(new Set());
    for (const at of [t0 + 2_000, t0 + 1_000 + ttlMs - 1]) expect((await tick(eventId, at)).admitted).toEqual([]);
    // The claim ends at its deadline (the admission with it): the next tick offers the second fan.
    expect(await tick(eventId, t0 + 1_000 + ttlMs)).toEqual({ admitted: [second], offered: [second] });
    expect(await list.get(eventId, third)).toMatchObject({ state: "waiting" });
  });

  it("control: without the open claim counted, the next tick admits a second fan for the same ticket", async () => {
    const { eventId, fans } = await listedRoom(3);
    expect((await tick(eventId, t0 + 1_000, false)).admitted).toEqual([fans[0]]);
    expect((await tick(eventId, t0 + 2_000, false)).admitted).toEqual([fans[1]]);
  });

  it("keeps the places of listed fans only; leaving takes a fan off", async () => {
    const eventId = newEventId();
    const [listed, other] = fanIds(2) as [string, string];
    await list.add(eventId, listed, t0);
    expect(await list.waitingAmong(eventId, [listed, other])).toEqual(new Set([listed]));
    expect(await list.leave(eventId, listed)).toMatchObject({ state: "left" });
    expect(await list.waitingAmong(eventId, [listed, other])).toEqual(new Set());
    expect(await list.counts(eventId, t0)).toEqual({ waiting: 0, openOffers: 0 });
    expect(await list.leave(eventId, other)).toBeNull();
  });
});
