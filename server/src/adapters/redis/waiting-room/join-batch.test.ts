// Goal: joins of the same moment share one pipeline, and each still gets what the four calls gave:
// its own number (no gap, no duplicate, the same on a repeat), its place, and a snapshot of its
// event read after its own join; a room without an epoch answers joined = null. The control:
// joins made one after another take a pipeline each, so the count can tell batched from not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, type Redis } from "../connection.js";
import {
  createTestbed,
  fanIds,
  newEventId,
  t0,
  TestStore,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { eventIdsOnDistinctNodes, useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;
let connection: Redis;
let pipelines = 0;
let store: TestStore;

/** A room made by a first fan (number 1). */
async function room(eventId = newEventId()): Promise<string> {
  await bed.store.join(eventId, "first", t0);
  return eventId;
}

describe.each(backends)("joins in one pipeline on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
    connection = createRedis(backend.url(), "app");
    const pipeline = connection.pipeline.bind(connection);
    connection.pipeline = ((...args: Parameters<Redis["pipeline"]>) => {
      pipelines++;
      return pipeline(...args);
    }) as Redis["pipeline"];
    store = new TestStore(connection, bed.redis.prefix);
  });
  afterAll(async () => {
    connection.disconnect();
    await bed.cleanup();
  });

  it("numbers the fans of two events at the same moment, each with its place and the room after its join", async () => {
    // On a cluster, on two masters: a batch must not become one pipeline across nodes.
    const [a, b] = (await Promise.all(
      (await eventIdsOnDistinctNodes(connection, 2, "two-events")).map((id) => room(id)),
    )) as [string, string];
    const fans = fanIds(100);
    const before = pipelines;
    const views = await Promise.all(fans.map((fan, i) => store.joinAndView(i % 2 === 0 ? a : b, fan, t0 + 1)));
    expect(pipelines - before).toBeLessThan(fans.length / 4);
    for (const eventId of [a, b]) {
      const ofEvent = views.filter((_, i) => (i % 2 === 0 ? a : b) === eventId);
      const numbers = ofEvent.map((v) => v.joined?.queueNumber ?? 0).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      for (const v of ofEvent) {
        expect(v.joined?.state).toBe("waiting");
        expect(v.place?.position).toBe(v.joined?.queueNumber);
        expect(v.snapshot.lastNumber).toBeGreaterThanOrEqual(v.joined!.queueNumber!);
        expect(v.snapshot.epoch).toBe(v.joined?.epoch);
      }
    }
    const again = await store.joinAndView(a, fans[0]!, t0 + 2);
    expect(again.joined?.queueNumber).toBe(views[0]!.joined?.queueNumber);
  });

  it("takes a pipeline per join when joins come one after another (the control)", async () => {
    const eventId = await room();
    const before = pipelines;
    for (const fan of fanIds(5)) await store.joinAndView(eventId, fan, t0 + 1);
    expect(pipelines - before).toBe(5);
  });

  it("answers joined = null, and no place, for a room without an epoch", async () => {
    const view = await store.joinAndView(newEventId(), "nobody", t0);
    expect(view.joined).toBeNull();
    expect(view.place).toBeNull();
    expect(view.snapshot.epoch).toBe("");
  });
});
