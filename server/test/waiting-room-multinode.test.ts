// Goal: several server processes share one waiting room — one FIFO order across nodes, a fan
// moving between nodes keeps their number and still gets their admission, and when the node
// leading an event's ticker dies another node takes over within two lease periods. On a single
// Redis and on a Redis Cluster: the waiting room's scripts, the ticker lease and the Socket.IO
// adapter (a fan's admission and the room's status frames reach sockets on the other node) on both;
// on the cluster with each Socket.IO adapter (SOCKET_IO_ADAPTER streams, the default, and sharded).
import { closeRedis, createRedis, isCluster } from "../src/adapters/redis/connection.js";
import { describe, expect, it } from "vitest";
import { tickerLeaseMs } from "@stampede/shared/limits";
import { createEvent, waitFor } from "./support/fans.js";
import { useRedisBackends } from "./support/redis-backends.js";
import { stackAdmin } from "./support/stack.js";
import { useTwoNodes } from "./support/two-nodes.js";

const backends = useRedisBackends();
const setups = [
  { ...backends[0]!, adapter: "streams" },
  { ...backends[1]!, adapter: "streams" },
  { ...backends[1]!, adapter: "sharded" },
];

const eventBody = (waitingRoom: Record<string, unknown>) => ({
  name: "Two nodes",
  status: "on_sale",
  classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 1000 }],
  waitingRoom,
});

/** The sharded Pub/Sub channels of this stack's Socket.IO adapter, over every master. */
async function shardChannels(url: string, prefix: string): Promise<number> {
  const client = createRedis(url, "app");
  try {
    await client.ping(); // a cluster client knows its nodes once ready
    const masters = isCluster(client) ? client.nodes("master") : [client];
    const lists = await Promise.all(
      masters.map((m) => m.call("PUBSUB", "SHARDCHANNELS", `${prefix}:sio#*`) as Promise<string[]>),
    );
    return lists.flat().length;
  } finally {
    await closeRedis(client);
  }
}

describe.each(setups)("waiting room across two server processes on $name, $adapter adapter", (setup) => {
  const nodes = useTwoNodes(setup, { SOCKET_IO_ADAPTER: setup.adapter });

  it("gives one FIFO order across both nodes and admits in that order", async () => {
    const event = await createEvent(
      nodes.a.url,
      stackAdmin,
      eventBody({ admitPerMinute: 600, maxActiveCheckouts: 1000 }),
    );
    const joined = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const fan = await nodes.fanOn(i % 2 === 0 ? nodes.a : nodes.b);
        const ack = await fan.join(event.id);
        if (!ack.ok) throw new Error(JSON.stringify(ack));
        return { fan, n: ack.data.queueNumber ?? 0, admittedAtJoin: ack.data.state === "admitted" };
      }),
    );
    expect(joined.map((j) => j.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    await waitFor("all admitted", () => joined.every((j) => j.admittedAtJoin || j.fan.admitted.length === 1), 30_000);
    const order = joined.filter((j) => !j.admittedAtJoin).sort((x, y) => x.n - y.n);
    for (let i = 1; i < order.length; i++)
      expect(order[i]!.fan.admitted[0]!.atMs).toBeGreaterThanOrEqual(order[i - 1]!.fan.admitted[0]!.atMs - 250);
    // Both nodes' sockets got the room's status frames.
    expect(joined[0]!.fan.statuses.length).toBeGreaterThan(0);
    expect(joined[1]!.fan.statuses.length).toBeGreaterThan(0);
    // The frames went through the adapter asked for: sharded Pub/Sub channels exist only with it.
    const channels = await shardChannels(setup.url(), nodes.stack.redis.prefix);
    expect(channels > 0).toBe(setup.adapter === "sharded");
  }, 45_000);

  it("keeps a fan's number when they move to the other node, and admits them there", async () => {
    const event = await createEvent(
      nodes.a.url,
      stackAdmin,
      eventBody({ admitPerMinute: 60_000, maxActiveCheckouts: 1 }),
    );
    const ahead = await nodes.fanOn(nodes.a);
    await ahead.join(event.id); // takes the only slot
    const mover = await nodes.fanOn(nodes.a);
    const first = await mover.join(event.id);
    mover.close();
    const moved = await nodes.fanOn(nodes.b, { fanId: mover.fanId, fanToken: mover.fanToken });
    const again = await moved.join(event.id);
    expect(again.ok && first.ok && again.data.queueNumber === first.data.queueNumber).toBe(true);
    await ahead.socket.timeout(5000).emitWithAck("queue:leave", { eventId: event.id });
    await waitFor("the mover admitted on node b", () => moved.admitted.length === 1);
  });

  it("hands the ticker over within two lease periods when the leading node dies", async () => {
    const event = await createEvent(
      nodes.a.url,
      stackAdmin,
      eventBody({ admitPerMinute: 600, maxActiveCheckouts: 1000 }),
    );
    const watchers = [await nodes.fanOn(nodes.a), await nodes.fanOn(nodes.b)];
    for (const w of watchers) await w.join(event.id);
    await waitFor("status frames on both nodes", () => watchers.every((w) => w.statuses.length >= 2));
    const leaderKey = `${nodes.stack.redis.prefix}:wr:{${event.id}}:leader`;
    const leaderNode = await nodes.stack.redis.client.get(leaderKey);
    expect(leaderNode).toBeTruthy();
    // Kill the process that holds the lease.
    const { a, b } = nodes;
    const victim = [a, b].find((n) => n.nodeId === leaderNode);
    if (!victim) throw new Error(`no node has id ${leaderNode}`);
    const survivor = victim === a ? b : a;
    const watcher = watchers[victim === a ? 1 : 0]!;
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    const before = watcher.statuses.length;
    await waitFor("status frames again", () => watcher.statuses.length > before + 1, 3 * tickerLeaseMs + 5_000);
    const gapMs = Date.now() - killedAt;
    expect(gapMs).toBeLessThanOrEqual(2 * tickerLeaseMs + 1_500);
    expect(await nodes.stack.redis.client.get(leaderKey)).toBe(survivor.nodeId);
    // Joining on the survivor still works and the order continues.
    const late = await nodes.fanOn(survivor);
    const ack = await late.join(event.id);
    expect(ack.ok && (ack.data.queueNumber ?? 0) > 2).toBe(true);
  }, 30_000);
});
