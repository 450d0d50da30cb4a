// Goal: a fan's place is the rank among fans still waiting — a fan ahead who leaves moves everyone
// behind up, with no admission — and the departures reach the room once each, in order, numbered
// so a client can tell which it has counted (and which it missed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitOptions,
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;

describe.each(backends)("places and departures on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("ranks among fans still waiting: a departure ahead moves the fans behind up, one behind does not", async () => {
    const eventId = newEventId();
    const [a, b, c, d] = fanIds(4);
    for (const f of [a!, b!, c!, d!]) await bed.store.join(eventId, f, t0);
    expect(await bed.store.place(eventId, c!)).toEqual({ position: 3, admittedTotal: 0, departedSeq: 0 });
    await bed.store.leave(eventId, b!);
    expect(await bed.store.place(eventId, c!)).toEqual({ position: 2, admittedTotal: 0, departedSeq: 1 });
    await bed.store.leave(eventId, d!); // behind c: c's place does not change
    expect(await bed.store.place(eventId, c!)).toEqual({ position: 2, admittedTotal: 0, departedSeq: 2 });
    await bed.store.admit(eventId, admitOptions(t0, { maxActiveCheckouts: 1 }));
    expect(await bed.store.place(eventId, c!)).toEqual({ position: 1, admittedTotal: 1, departedSeq: 2 });
    expect(await bed.store.place(eventId, a!)).toBeNull(); // admitted: no longer waiting
    expect(await bed.store.place(eventId, b!)).toBeNull(); // left
    // Queue numbers never change: c still holds 3.
    expect((await bed.store.join(eventId, c!, t0)).queueNumber).toBe(3);
  });

  it("hands each departure out once, oldest first, numbered from the counter; only waiting fans count", async () => {
    const eventId = newEventId();
    const fans = fanIds(6);
    for (const f of fans) await bed.store.join(eventId, f, t0);
    await bed.store.admit(eventId, admitOptions(t0, { maxActiveCheckouts: 1 })); // fans[0] admitted
    await bed.store.leave(eventId, fans[0]!); // an admitted fan leaving is not a departure from the line
    await bed.store.leave(eventId, fans[3]!);
    await bed.store.leave(eventId, fans[1]!);
    await bed.store.leave(eventId, fans[1]!); // twice: once
    expect(await bed.store.takeDepartures(eventId, 1)).toEqual({ fromSeq: 0, numbers: [4] });
    await bed.store.leave(eventId, fans[5]!);
    expect(await bed.store.takeDepartures(eventId, 10)).toEqual({ fromSeq: 1, numbers: [2, 6] });
    expect(await bed.store.takeDepartures(eventId, 10)).toEqual({ fromSeq: 3, numbers: [] });
    expect(await bed.store.place(eventId, fans[4]!)).toEqual({ position: 2, admittedTotal: 1, departedSeq: 3 });
  });
});
