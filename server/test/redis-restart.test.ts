// Goal (R11, I4, I5): the waiting room outlives its Redis. A server and workers run on a throwaway
// redis-server with no persistence; mid-sale it is flushed (FLUSHALL) or killed and started again
// empty. Afterwards: admitted fans still buy with the admission tokens they hold; waiting fans
// see a new roomEpoch in queue:status, join again with their place tokens and get their own
// numbers back; admission goes on in number order, newcomers behind every earlier number; a hold
// whose expiry job was lost with Redis still ends within holdSeconds + a few sweeps.
// Negative controls: a forged or another fan's place token gives nothing back (that fan queues at
// the back), a fan who joins again without proofs gets a new number, and an admission already
// used to buy is not given back.
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { QueueEntry } from "@stampede/shared/protocol";
import { startRedisServer, type SpareRedis } from "./support/redis-server.js";
import { closedPort } from "./support/services.js";
import { completePayment, hold, orderReaches } from "./support/checkout.js";
import { connectFan, createEvent, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin, startStack } from "./support/stack.js";

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const fanCount = 12;
const admittedBefore = 3;

interface Waiting {
  fan: TestFan;
  entry: QueueEntry;
}

async function joinInOrder(url: string, eventId: string): Promise<Waiting[]> {
  const line: Waiting[] = [];
  for (let i = 0; i < fanCount; i++) {
    const fan = await connectFan(url);
    cleanups.push(() => fan.close());
    const ack = await fan.join(eventId);
    if (!ack.ok) throw new Error(`join: ${JSON.stringify(ack)}`);
    line.push({ fan, entry: ack.data });
  }
  return line;
}

/** The admission token a fan got (in its join answer or pushed since). */
const admissionOf = (w: Waiting, eventId: string) =>
  w.entry.admission?.token ?? w.fan.admitted.find((a) => a.eventId === eventId)?.token;

async function loseRedis(how: "FLUSHALL" | "restart", port: number, redis: SpareRedis): Promise<SpareRedis> {
  if (how === "FLUSHALL") {
    const client = new Redis(port, "127.0.0.1", { lazyConnect: true });
    await client.connect();
    await client.flushall();
    client.disconnect();
    return redis;
  }
  await redis.kill();
  const again = await startRedisServer(port);
  cleanups.push(() => again.kill());
  return again;
}

describe.each(["FLUSHALL", "restart"] as const)("a sale whose Redis loses everything (%s)", (how) => {
  it("keeps admissions and places, admits in number order after, and still ends held orders", async () => {
    const port = await closedPort();
    let redis = await startRedisServer(port);
    cleanups.push(() => redis.kill());
    const stack = await startStack({ REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.push(() => stack.close());
    stack.addWorkers();
    const url = (await stack.addServer()).url;
    const event = await createEvent(url, stackAdmin, {
      name: `Lost Redis ${how}`,
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 100 }],
      waitingRoom: { admitPerMinute: 60, maxActiveCheckouts: 1_000, holdSeconds: 5 },
    });
    const classId = event.classes[0]!.id;
    const line = await joinInOrder(url, event.id);
    expect(line.map((w) => w.entry.queueNumber)).toEqual(Array.from({ length: fanCount }, (_, i) => i + 1));
    // One admission a second: wait for the first few, and let the first of them hold (never paying).
    await waitFor(
      "first admissions",
      () => line.slice(0, admittedBefore).every((w) => admissionOf(w, event.id)),
      20_000,
    );
    const holder = line[0]!;
    const oneTicket = [{ classId, quantity: 1 }];
    const held = await hold(
      url,
      { fanToken: holder.fan.fanToken, admissionToken: admissionOf(holder, event.id)! },
      event.id,
      oneTicket,
    );
    expect(held.status).toBe(201);
    // The third admitted fan buys before the loss: that admission has ended, and stays ended.
    const buyer = line[2]!;
    const buyerAdmission = admissionOf(buyer, event.id)!;
    const bought0 = await hold(url, { fanToken: buyer.fan.fanToken, admissionToken: buyerAdmission }, event.id, [
      { classId, quantity: 1 },
    ]);
    expect(bought0.status).toBe(201);
    expect((await completePayment(url, bought0.body.paymentUrl, "succeeded")).status).toBe(200);
    await orderReaches(url, bought0.body.orderId, bought0.body.orderToken, "paid");
    const epochBefore = line[admittedBefore]!.entry.roomEpoch;
    expect(epochBefore).toEqual(expect.any(String));

    redis = await loseRedis(how, port, redis);

    // Fans are told: the next status frames carry a new epoch.
    const watcher = line[fanCount - 1]!.fan;
    await waitFor(
      "a status with a new epoch",
      () => watcher.statuses.some((s) => s.roomEpoch && s.roomEpoch !== epochBefore),
      30_000,
    );

    // Admitted fans buy with the tokens they hold (the second admitted fan never held before).
    const second = line[1]!;
    const bought = await hold(
      url,
      { fanToken: second.fan.fanToken, admissionToken: admissionOf(second, event.id)! },
      event.id,
      oneTicket,
    );
    expect(bought.status).toBe(201);
    // Control: the admission used to buy before the loss is not given back.
    const again = await hold(url, { fanToken: buyer.fan.fanToken, admissionToken: buyerAdmission }, event.id, [
      { classId, quantity: 1 },
    ]);
    expect(again).toMatchObject({ status: 403, body: { error: { code: "admission_required" } } });

    // Waiting fans join again with their place tokens and get their own numbers back; the
    // controls (forged token, another fan's token, no token) are sent to the back.
    const waiting = line.filter((w) => !admissionOf(w, event.id));
    const [forger, borrower, noProof, ...honest] = waiting.slice(-3).concat(waiting.slice(0, -3));
    const rejoined = await Promise.all(honest.map((w) => w.fan.join(event.id, { placeToken: w.entry.placeToken! })));
    for (const [i, ack] of rejoined.entries()) {
      expect(ack).toMatchObject({ ok: true, data: { queueNumber: honest[i]!.entry.queueNumber, restored: true } });
    }
    const forged = await forger!.fan.join(event.id, { placeToken: forger!.entry.placeToken!.replace(/^\d+/, "1") });
    const borrowed = await borrower!.fan.join(event.id, { placeToken: honest[0]!.entry.placeToken! });
    const bare = await noProof!.fan.join(event.id);
    const lastBefore = fanCount;
    for (const ack of [forged, borrowed, bare]) {
      expect(ack.ok && ack.data.restored).toBeFalsy();
      expect(ack.ok && ack.data.queueNumber).toBeGreaterThan(lastBefore);
    }

    // Admission resumes in number order: the restored fans first, lowest number first.
    const firstRestored = honest.slice(0, 2);
    await waitFor(
      "restored fans admitted",
      () => firstRestored.every((w) => w.fan.admitted.some((a) => a.eventId === event.id)),
      30_000,
    );
    const admittedAt = (w: Waiting) => w.fan.admitted.find((a) => a.eventId === event.id)!.atMs;
    expect(admittedAt(firstRestored[0]!)).toBeLessThanOrEqual(admittedAt(firstRestored[1]!));
    for (const control of [forger, borrower, noProof])
      expect(control!.fan.admitted.some((a) => a.eventId === event.id)).toBe(false);

    // The hold placed before the loss (its expiry job gone with Redis) still ends: stock back,
    // order expired, within a few sweeps of its expiry.
    await orderReaches(url, held.body.orderId, held.body.orderToken, "expired", 30_000);
  }, 120_000);
});
