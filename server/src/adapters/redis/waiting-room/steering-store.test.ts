// Goal: the fans refused at a hold for want of stock are counted once each, only within the window
// asked for, and forgotten after it — so stock-aware admission stops waiting for them, and only them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SteeringStore } from "./steering-store.js";
import {
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;
let steering: SteeringStore;

const keptMs = 20_000;

describe.each(backends)("stock refusals on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
    steering = new SteeringStore(bed.redis.client, (eventId) => bed.store.keys(eventId));
  });
  afterAll(() => bed.cleanup());

  it("counts each refused fan once, within the window, per event", async () => {
    const [eventId, other] = [newEventId(), newEventId()];
    const [a, b, c] = fanIds(3);
    await steering.noteStockRefusal(eventId, a!, t0, keptMs);
    await steering.noteStockRefusal(eventId, a!, t0 + 1_000, keptMs); // the same fan again: still one
    await steering.noteStockRefusal(eventId, b!, t0 + 2_000, keptMs);
    await steering.noteStockRefusal(other, c!, t0 + 2_000, keptMs);
    expect(await steering.stockRefusedSince(eventId, t0 - keptMs)).toBe(2);
    expect(await steering.stockRefusedSince(eventId, t0 + 1_500)).toBe(1);
    expect(await steering.stockRefusedSince(other, t0 - keptMs)).toBe(1);
    // Control: an event nobody was refused at counts none.
    expect(await steering.stockRefusedSince(newEventId(), t0 - keptMs)).toBe(0);
  });

  it("drops refusals older than the window as new ones come, and expires the key", async () => {
    const eventId = newEventId();
    const [a, b] = fanIds(2);
    await steering.noteStockRefusal(eventId, a!, t0, keptMs);
    await steering.noteStockRefusal(eventId, b!, t0 + keptMs + 1, keptMs);
    const key = bed.store.keys(eventId).refused;
    expect(await bed.redis.client.zrange(key, 0, -1)).toEqual([b]);
    const ttl = await bed.redis.client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(keptMs);
  });
});
