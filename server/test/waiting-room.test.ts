// Goal: the live waiting room on a real server process with real sockets — fans are admitted in
// queue order at the configured rate, checkout slots cap admissions, a reconnect or a second tab
// keeps the number, a fan who stays away past the grace is skipped, and the REST fallback and
// rate limits answer as the contract says.
// No sleep decides anything here: "nobody else was admitted" is read from queue:status frames of
// later ticks (a tick pushes its admissions before its status frame, and one socket keeps the
// order), and "the sweep has run" from the waiting count those frames carry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admissionTickMs as admissionTickIntervalMs } from "@stampede/shared/limits";
import type { QueueEntry, QueueStatus } from "@stampede/shared/protocol";
import { basicAuth, connectFan, createEvent, newSession, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

/** Long enough for a fan to reconnect on a slow, loaded machine; the sweep runs every 2 s. */
const presenceGraceSeconds = 3;

let stack: TestStack;
let url: string;
const fans: TestFan[] = [];
/** How many queue:status frames each fan had received when its queue:admitted arrived. */
const framesAtAdmission = new Map<TestFan, number>();
beforeAll(async () => {
  stack = await startStack({ PRESENCE_GRACE_SECONDS: String(presenceGraceSeconds) });
  url = (await stack.addServer()).url;
});
afterAll(async () => {
  for (const f of fans) f.close();
  await stack.close();
});

const eventBody = (waitingRoom: Record<string, unknown>, capacity = 1000) => ({
  name: "Queue test",
  status: "on_sale",
  classes: [{ code: "GA", name: "General", priceCents: 1000, capacity }],
  waitingRoom,
});

async function joinedFan(eventId: string): Promise<{ fan: TestFan; entry: QueueEntry }> {
  const fan = await connectFan(url);
  fans.push(fan);
  fan.socket.on("queue:admitted", () => framesAtAdmission.set(fan, fan.statuses.length));
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return { fan, entry: ack.data };
}

/**
 * The server time of the tick that admitted this fan: its first queue:status frame after the
 * queue:admitted push (a tick emits its admissions, then its status frame, with the tick's time).
 */
function admissionTickMs(fan: TestFan): number | undefined {
  const index = framesAtAdmission.get(fan);
  return index === undefined ? undefined : fan.statuses[index]?.sentAtMs;
}

/** Waits until each fan has received `ticks` more queue:status frames; returns those frames. */
/**
 * `ticks` frames per fan after the first frame of each that shows `reached`. A frame from an
 * earlier tick can still be on its way on one fan's socket after the test saw an event on
 * another's, so "the next frames" only start where each page has seen the state itself.
 */
async function framesAfter(
  of: readonly TestFan[],
  what: string,
  reached: (frame: QueueStatus) => boolean,
  ticks: number,
): Promise<QueueStatus[]> {
  await waitFor(what, () => of.every((f) => f.statuses.some(reached)), 20_000);
  const from = of.map((f) => f.statuses.findIndex(reached) + 1);
  await waitFor(`${ticks} more status frames`, () => of.every((f, i) => f.statuses.length >= from[i]! + ticks), 20_000);
  return of.flatMap((f, i) => f.statuses.slice(from[i], from[i]! + ticks));
}

async function nextFrames(of: readonly TestFan[], ticks: number): Promise<QueueStatus[]> {
  const from = of.map((f) => f.statuses.length);
  await waitFor(`${ticks} more status frames`, () => of.every((f, i) => f.statuses.length >= from[i]! + ticks), 20_000);
  return of.flatMap((f, i) => f.statuses.slice(from[i], from[i]! + ticks));
}

describe("waiting room (one node)", () => {
  it("admits 200 fans in queue order at the configured rate", async () => {
    // 1,200/min = 20/s; the bucket starts with one second's worth, so 200 fans take ≥ 9 s of
    // ticks. Times are the server's own tick times, so a slow machine cannot bend them.
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 1200, maxActiveCheckouts: 1000 }));
    const joined = await Promise.all(Array.from({ length: 200 }, () => joinedFan(event.id)));
    const numbers = joined.map((j) => j.entry.queueNumber ?? 0).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const pushed = joined.filter((j) => j.entry.state !== "admitted");
    await waitFor(
      "everyone admitted, and their admission tick's status frame",
      () => pushed.every((j) => admissionTickMs(j.fan) !== undefined),
      90_000,
    );
    const admittedAt = pushed
      .map((j) => ({ n: j.entry.queueNumber ?? 0, tickMs: admissionTickMs(j.fan)! }))
      .sort((a, b) => a.n - b.n);
    // Order: nobody is admitted in an earlier tick than a lower number.
    for (let i = 1; i < admittedAt.length; i++)
      expect(admittedAt[i]!.tickMs, `#${admittedAt[i]!.n}`).toBeGreaterThanOrEqual(admittedAt[i - 1]!.tickMs);
    const spanMs = admittedAt.at(-1)!.tickMs - admittedAt[0]!.tickMs;
    expect(spanMs).toBeGreaterThanOrEqual(8_000); // not faster than the rate
    // And not slower: a tick comes no earlier than admissionTickMs after the last one and the bucket
    // refills by elapsed time, so a tick that leaves fans waiting gives at least a tick's worth of
    // admissions. Judged per tick, not by the span in ms, so a loaded machine (late ticks, slow
    // joins) cannot fail it; half the rate makes nearly every tick short.
    const perTick = (1200 / 60_000) * admissionTickIntervalMs;
    const admittedPerTick = new Map<number, number>();
    for (const a of admittedAt) admittedPerTick.set(a.tickMs, (admittedPerTick.get(a.tickMs) ?? 0) + 1);
    const waitingAfterTick = new Map(
      pushed.map((j) => {
        const frame = j.fan.statuses[framesAtAdmission.get(j.fan)!]!;
        return [frame.sentAtMs, frame.waiting] as const;
      }),
    );
    const shortTicks = [...admittedPerTick].filter(
      ([tickMs, n]) => n < perTick - 1 && (waitingAfterTick.get(tickMs) ?? 0) > 0,
    );
    expect(shortTicks.length, JSON.stringify(shortTicks)).toBeLessThanOrEqual(2);
    // Every admission carries a signed token for this fan and event.
    const sample = joined.find((j) => j.fan.admitted[0])!;
    expect(sample.fan.admitted[0]!.eventId).toBe(event.id);
    expect(sample.fan.admitted[0]!.token.split(".")).toHaveLength(3);
  }, 120_000);

  it("pushes one queue:status per tick to the room with the contract's fields, and the stock", async () => {
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 60, maxActiveCheckouts: 1 }));
    const { fan } = await joinedFan(event.id);
    await waitFor("three status frames", () => fan.statuses.length >= 3);
    const status = fan.statuses.at(-1)!;
    // admittedPerMinute comes once the room has two seconds of history; allHeld only while everything left is held.
    expect(
      Object.keys(status)
        .filter((k) => k !== "admittedPerMinute")
        .sort(),
    ).toEqual([
      ...[
        "activeCheckouts",
        "admission",
        "admitPerMinute",
        "admittedTotal",
        "eventId",
        "maxActiveCheckouts",
        "opensAt",
      ],
      ...["roomEpoch", "sentAtMs", "servedUpTo", "state", "waiting"],
    ]);
    // A rate named at creation is a fixed rate (manual).
    expect(status).toMatchObject({
      eventId: event.id,
      state: "waiting",
      admission: "manual",
      admitPerMinute: 60,
      maxActiveCheckouts: 1,
    });
    expect(fan.stock[0]).toEqual({
      eventId: event.id,
      classes: [{ id: event.classes[0]!.id, code: "GA", available: 1000, held: 0, sold: 0 }],
    });
  });

  it("caps concurrent checkouts at the slot count; leaving frees a slot for the next fan", async () => {
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 60_000, maxActiveCheckouts: 3 }));
    const joined: Array<{ fan: TestFan; entry: QueueEntry }> = [];
    for (let i = 0; i < 6; i++) joined.push(await joinedFan(event.id));
    const admitted = () => joined.filter((j) => j.fan.admitted.length > 0 || j.entry.state === "admitted");
    await waitFor("three admitted", () => admitted().length === 3);
    // Two later ticks, as the three still waiting saw them: nobody else admitted, slots full.
    const full = (f: QueueStatus) => f.admittedTotal === 3 && f.waiting === 3;
    const waiting = joined.slice(3).map((j) => j.fan);
    for (const frame of await framesAfter(waiting, "six in, three waiting", full, 2)) {
      expect(frame).toMatchObject({ admittedTotal: 3, activeCheckouts: 3, waiting: 3 });
    }
    expect(admitted().map((j) => j.entry.queueNumber)).toEqual([1, 2, 3]);
    const leave = await joined[0]!.fan.socket.timeout(5000).emitWithAck("queue:leave", { eventId: event.id });
    expect(leave).toEqual({ ok: true, data: { left: true } });
    await waitFor("the fourth admitted", () => joined[3]!.fan.admitted.length === 1);
    const fourth = (f: QueueStatus) => f.admittedTotal === 4;
    for (const frame of await framesAfter(
      joined.slice(4).map((j) => j.fan),
      "the fourth's tick",
      fourth,
      2,
    )) {
      expect(frame).toMatchObject({ admittedTotal: 4, activeCheckouts: 3, waiting: 2 });
    }
    expect(admitted().map((j) => j.entry.queueNumber)).toEqual([1, 2, 3, 4]);
  });

  it("admits at an admin's new rate from the next tick, not after the next refresh of the live events", async () => {
    // 6,000/min with a full bucket would let every fan below in at once; 1/min lets one in.
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 6000, maxActiveCheckouts: 50 }));
    const watcher = (await joinedFan(event.id)).fan; // admitted at once; watches the frames
    await waitFor("the watcher admitted", () => watcher.admitted.length === 1);
    const crowd = await Promise.all(Array.from({ length: 8 }, async () => fans[fans.push(await connectFan(url)) - 1]!));
    const res = await fetch(`${url}/api/admin/events/${event.id}/waiting-room`, {
      method: "PATCH",
      headers: {
        "content-type": "application/json",
        authorization: basicAuth(stackAdmin.username, stackAdmin.password),
      },
      body: JSON.stringify({ admitPerMinute: 1 }),
    });
    expect(res.status).toBe(200);
    const patchedAtMs = Date.now();
    const seenBefore = watcher.statuses.length;
    const entries = await Promise.all(
      crowd.map(async (fan) => (await fan.join(event.id)) as { ok: true; data: QueueEntry }),
    );
    await nextFrames([watcher], 3);
    // Every tick after the change (the refresh of the live events runs only once a second) used the new rate.
    const framesAfter = watcher.statuses
      .slice(seenBefore)
      .filter((f) => f.sentAtMs !== undefined && f.sentAtMs > patchedAtMs);
    expect(framesAfter.map((f) => f.admitPerMinute)).toEqual(framesAfter.map(() => 1));
    expect(framesAfter.at(-1)!.admittedTotal).toBeLessThanOrEqual(2); // the watcher, and at most one token
    const admitted = crowd.flatMap((fan, i) => (fan.admitted.length > 0 ? [{ fan, entry: entries[i]!.data }] : []));
    expect(admitted.length).toBeLessThanOrEqual(1);
    // The push names the number it admitted (a page reads its earlier join answer by it).
    for (const j of admitted) expect(j.fan.admitted[0]!.queueNumber).toBe(j.entry.queueNumber);
    expect(watcher.admitted[0]!.queueNumber).toBe(1);
  });

  it("keeps the number across a reconnect and a second tab", async () => {
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 1, maxActiveCheckouts: 1 }));
    await joinedFan(event.id); // someone ahead, holding the only slot
    const first = await joinedFan(event.id);
    first.fan.close();
    const again = await connectFan(url, { fanId: first.fan.fanId, fanToken: first.fan.fanToken });
    const secondTab = await connectFan(url, { fanId: first.fan.fanId, fanToken: first.fan.fanToken });
    fans.push(again, secondTab);
    const [a, b] = await Promise.all([again.join(event.id), secondTab.join(event.id)]);
    expect(a.ok && a.data.queueNumber).toBe(first.entry.queueNumber);
    expect(b.ok && b.data.queueNumber).toBe(first.entry.queueNumber);
    expect(a.ok && a.data.state).toBe("waiting");
  });

  it("skips a fan who stays away longer than the grace, and keeps one who comes back in time", async () => {
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 60_000, maxActiveCheckouts: 1 }));
    const holder = await joinedFan(event.id); // admitted: holds the only slot
    const gone = await joinedFan(event.id);
    const back = await joinedFan(event.id);
    const next = await joinedFan(event.id);
    await waitFor("holder admitted", () => holder.fan.admitted.length === 1 || holder.entry.state === "admitted");
    gone.fan.close();
    back.fan.close();
    const returned = await connectFan(url, { fanId: back.fan.fanId, fanToken: back.fan.fanToken });
    fans.push(returned);
    expect((await returned.join(event.id)).ok).toBe(true);
    // Waiting: gone, back, next. The sweep (every 2 s) takes out whoever stayed away past the
    // grace: wait for a status frame that shows it ran, then check who it took.
    const from = next.fan.statuses.length;
    const swept = await waitFor(
      "the presence sweep",
      () => next.fan.statuses.slice(from).find((s) => s.waiting < 3),
      (presenceGraceSeconds + 15) * 1000,
    );
    expect(swept.waiting).toBe(2);
    // Free the slot: the next admission must skip the departed fan and reach the one who came back.
    await holder.fan.socket.timeout(5000).emitWithAck("queue:leave", { eventId: event.id });
    await waitFor("the returning fan admitted", () => returned.admitted.length === 1);
    expect(next.fan.admitted).toHaveLength(0);
    const rejoined = await connectFan(url, { fanId: gone.fan.fanId, fanToken: gone.fan.fanToken });
    fans.push(rejoined);
    const ack = await rejoined.join(event.id);
    expect(ack.ok && ack.data.queueNumber).toBeGreaterThan(next.entry.queueNumber ?? 0); // back of the line
  });

  it("serves the REST fallback: join, then poll entry and status", async () => {
    const event = await createEvent(url, stackAdmin, eventBody({ admitPerMinute: 1, maxActiveCheckouts: 1 }));
    const { fanToken } = await newSession(url);
    const auth = { authorization: `Bearer ${fanToken}` };
    const joined = await fetch(`${url}/api/events/${event.id}/queue`, { method: "POST", headers: auth });
    expect(joined.status).toBe(200);
    const first = (await joined.json()) as { entry: QueueEntry; status: { eventId: string } };
    expect(first.entry.queueNumber).toBeGreaterThan(0);
    const polled = (await (await fetch(`${url}/api/events/${event.id}/queue`, { headers: auth })).json()) as {
      entry: QueueEntry;
      status: { eventId: string; state: string };
    };
    expect(polled.entry.queueNumber).toBe(first.entry.queueNumber);
    expect(polled.status).toMatchObject({ eventId: event.id });
    expect((await fetch(`${url}/api/events/${event.id}/queue`, { method: "POST" })).status).toBe(401);
    expect(
      (await fetch(`${url}/api/events/00000000-0000-7000-8000-000000000000/queue`, { method: "POST", headers: auth }))
        .status,
    ).toBe(404);
  });

  it("answers queue:join for an unknown event or a bad payload with an error ack", async () => {
    const fan = await connectFan(url);
    fans.push(fan);
    expect(await fan.join("00000000-0000-7000-8000-000000000000")).toEqual({
      ok: false,
      error: { code: "not_found", message: "no such event" },
    });
    const bad = await fan.socket.timeout(5000).emitWithAck("queue:join", { nope: 1 } as unknown as { eventId: string });
    expect(bad.ok).toBe(false);
  });
});
