// Goal: a waiting-room script that reaches a key outside its event's hash slot fails a test, not
// production. The store's suites run on a single Redis and on a Redis Cluster (redis-backends.ts);
// this is their negative control: the real scripts, handed per-fan keys tagged with another event
// (whose slot is on another master, or on the same one), are refused by the cluster — whether the key is passed as KEYS (join.lua:
// CROSSSLOT) or built inside the script from ARGV (admit.lua's fanKeyBase: Redis 7 refuses a script's
// undeclared key in another slot) — while a single Redis takes them silently. So a mis-tagged key
// cannot hide behind the single-Redis run.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "../connection.js";
import { waitingRoomKeys, type WaitingRoomKeys } from "./keys.js";
import {
  admitOptions,
  createTestbed,
  t0,
  TestStore,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import {
  eventIdOnSameNode,
  eventIdsOnDistinctNodes,
  useRedisBackends,
} from "../../../../test/support/redis-backends.js";

/** The store with one deliberate bug: its per-fan hashes carry another event's hash tag. */
class MisTaggedStore extends TestStore {
  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
    private readonly otherEventId: string,
  ) {
    super(redis, keyPrefix);
  }

  override keys(eventId: string): WaitingRoomKeys {
    const wrong = waitingRoomKeys(this.keyPrefix, this.otherEventId);
    return { ...super.keys(eventId), fanKeyBase: wrong.fanKeyBase, fan: wrong.fan };
  }
}

const backends = useRedisBackends();
// ioredis refuses declared KEYS of several slots itself; Redis refuses a script's own key outside its slot.
const crossSlot = /CROSSSLOT|should belong to the same slot|non local key|do not hash to the same slot/;

// The other event's slot on another master, then on the same master: without the scripts' `#!lua`
// shebang, a cluster lets a script reach the second (scripts.ts), which would hide the mistake.
const placements = [
  {
    where: "another master",
    other: (client: Redis, _eventId: string) => eventIdsOnDistinctNodes(client, 2, "elsewhere").then((ids) => ids[1]!),
  },
  { where: "the same master", other: (client: Redis, eventId: string) => eventIdOnSameNode(client, eventId, "beside") },
];

describe.each(backends)("a key outside the event's slot on $name", (backend) => {
  let bed: WaitingRoomTestbed;
  let eventId: string;
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
    [eventId] = (await eventIdsOnDistinctNodes(bed.redis.client, 1, "elsewhere")) as [string];
  });
  afterAll(() => bed.cleanup());

  describe.each(placements)("in a slot on $where", ({ other }) => {
    let misTagged: MisTaggedStore;
    beforeAll(async () => {
      misTagged = new MisTaggedStore(bed.redis.client, bed.redis.prefix, await other(bed.redis.client, eventId));
    });

    it("passed as KEYS (join.lua): refused on the cluster, taken by a single Redis", async () => {
      const join = misTagged.join(eventId, `fan-${randomUUID()}`, t0);
      if (backend.name === "Redis Cluster") await expect(join).rejects.toThrow(crossSlot);
      else await expect(join).resolves.toMatchObject({ state: "waiting" });
    });

    it("built inside the script (admit.lua's fan hashes): refused on the cluster, taken by a single Redis", async () => {
      const fan = `fan-${randomUUID()}`;
      await bed.store.join(eventId, fan, t0); // correctly tagged: the fan is in line
      const admit = misTagged.admit(eventId, admitOptions(t0 + 1_000));
      if (backend.name === "Redis Cluster") await expect(admit).rejects.toThrow(crossSlot);
      else expect((await admit).admitted.map((a) => a.fanId)).toContain(fan);
    });
  });

  it("and the store as it is runs the same calls on both (the positive case)", async () => {
    const [fresh] = await eventIdsOnDistinctNodes(bed.redis.client, 1, "well-tagged");
    await expect(bed.store.join(fresh!, "fan-3", t0)).resolves.toMatchObject({ state: "waiting", queueNumber: 1 });
    const { admitted } = await bed.store.admit(fresh!, admitOptions(t0 + 1_000));
    expect(admitted.map((a) => a.fanId)).toEqual(["fan-3"]);
  });
});
