// Goal (R14, I5): two server nodes share one waiting room, and one of them is killed (SIGKILL, no
// goodbye) while half of the waiting fans are connected to it. Those fans reconnect to the other
// node with their sessions and join again: each gets back the number they had, a newcomer queues
// behind all of them, and admission then goes strictly in number order, one checkout slot at a
// time, across the fans who moved and the fans who never left. The control: the kill really cut
// the moved fans off (their sockets closed), and the node is gone (its process exited). On a single
// Redis and on a Redis Cluster.
import { describe, expect, it } from "vitest";
import { createEvent, waitFor, type TestFan } from "./support/fans.js";
import { useRedisBackends } from "./support/redis-backends.js";
import { stackAdmin } from "./support/stack.js";
import { useTwoNodes } from "./support/two-nodes.js";

const backends = useRedisBackends();

async function numberOf(fan: TestFan, eventId: string): Promise<number> {
  const ack = await fan.join(eventId);
  if (!ack.ok || ack.data.queueNumber === null) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return ack.data.queueNumber;
}

const leave = (f: TestFan, eventId: string) => f.socket.timeout(5_000).emitWithAck("queue:leave", { eventId });

/** Frees the one checkout slot fan by fan: each time exactly the next number is admitted. */
async function admitsInNumberOrder(eventId: string, inOrder: TestFan[]): Promise<void> {
  for (const [i, next] of inOrder.entries()) {
    await waitFor(
      `the ${i + 1}. waiting fan admitted`,
      () => inOrder.filter((f) => f.admitted.length > 0).length > i,
      20_000,
    );
    expect(inOrder.map((f) => f.admitted.length)).toEqual(inOrder.map((_, j) => (j <= i ? 1 : 0)));
    await leave(next, eventId);
  }
}

describe.each(backends)("a server node killed under its waiting fans, on $name", (backend) => {
  const nodes = useTwoNodes(backend);

  it("lets them reconnect to the other node with their numbers, and admits everyone in number order", async () => {
    const { a, b, fanOn } = nodes;
    const event = await createEvent(b.url, stackAdmin, {
      name: "Node failover",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 100 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 1 },
    });
    const holder = await fanOn(b);
    expect((await holder.join(event.id)).ok).toBe(true); // takes the only slot: everyone else waits
    const waiting = [];
    for (let i = 0; i < 8; i++) {
      const fan = await fanOn(i % 2 === 0 ? a : b);
      waiting.push({ fan, number: await numberOf(fan, event.id) });
    }
    expect(waiting.map((w) => w.number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);

    a.child.kill("SIGKILL");
    expect(await a.exited).toBeNull();
    const onA = waiting.filter((_, i) => i % 2 === 0);
    await waitFor("the killed node's fans cut off", () => onA.every((w) => !w.fan.socket.connected));

    // They come back on node b with their sessions (as the client's reconnect does).
    const moved = await Promise.all(onA.map(async (w) => ({ fan: await fanOn(b, w.fan), number: w.number })));
    expect(await Promise.all(moved.map((m) => numberOf(m.fan, event.id)))).toEqual(onA.map((w) => w.number));
    const newcomer = await fanOn(b);
    expect(await numberOf(newcomer, event.id)).toBe(10);

    const byNumber = [...moved, ...waiting.filter((_, i) => i % 2 === 1)]
      .sort((x, y) => x.number - y.number)
      .map((w) => w.fan);
    await leave(holder, event.id);
    await admitsInNumberOrder(event.id, [...byNumber, newcomer]);
  }, 90_000);
});
