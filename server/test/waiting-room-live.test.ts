// Goal: the fan's page hears everything that changes their wait, from one push per room, with no
// action of theirs: a fan ahead leaving moves the fans behind up (no admission needed), and an
// admin's change of the sale's status reaches the fans' sockets at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departuresAhead, placeNow } from "@stampede/shared/core/admission";
import type { EventStatusChanged, QueueDeparted, QueueEntry, QueueStatus } from "@stampede/shared/protocol";
import { basicAuth, connectFan, createEvent, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let url: string;
const fans: TestFan[] = [];
beforeAll(async () => {
  stack = await startStack();
  url = (await stack.addServer()).url;
});
afterAll(async () => {
  for (const f of fans) f.close();
  await stack.close();
});

interface LiveFan {
  fan: TestFan;
  entry: QueueEntry;
  departed: QueueDeparted[];
  statusChanges: EventStatusChanged[];
}

async function joinedFan(eventId: string): Promise<LiveFan> {
  const fan = await connectFan(url);
  fans.push(fan);
  const departed: QueueDeparted[] = [];
  const statusChanges: EventStatusChanged[] = [];
  fan.socket.on("queue:departed", (d) => departed.push(d));
  fan.socket.on("event:status", (s) => statusChanges.push(s));
  const ack = await fan.join(eventId);
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return { fan, entry: ack.data, departed, statusChanges };
}

/** The place as the fan's page computes it: the rank at joining, moved by the pushes since. */
function placeFromPushes(live: LiveFan, latest: QueueStatus | undefined): number {
  const { entry } = live;
  if (!entry.basis || entry.position === null || entry.queueNumber === null)
    throw new Error(`no place basis in ${JSON.stringify(entry)}`);
  let seen = entry.basis.departedSeq;
  let ahead = 0;
  for (const push of live.departed) {
    const counted = departuresAhead(seen, entry.queueNumber, push);
    if (counted.kind === "gap") throw new Error("a departure push was missed");
    seen = counted.seenSeq;
    ahead += counted.ahead;
  }
  const admittedTotal = latest?.admittedTotal ?? entry.basis.admittedTotal;
  return placeNow({
    basePosition: entry.position,
    baseAdmittedTotal: entry.basis.admittedTotal,
    admittedTotal,
    departedAhead: ahead,
  });
}

const eventBody = {
  name: "Live pushes",
  status: "on_sale",
  classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 100 }],
};

async function setStatus(eventId: string, status: string): Promise<void> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/status`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
}

describe("places move when fans ahead leave", () => {
  it("B behind A goes from place 2 to 1 when A leaves, with no admission, on the next push", async () => {
    // One checkout slot, taken by the first fan for 10 minutes: nobody else is admitted meanwhile.
    const event = await createEvent(url, stackAdmin, {
      ...eventBody,
      waitingRoom: { admitPerMinute: 600, maxActiveCheckouts: 1, admissionTtlSeconds: 600 },
    });
    const holder = await joinedFan(event.id);
    await waitFor(
      "the first fan admitted",
      () => holder.fan.admitted.length === 1 || holder.entry.state === "admitted",
    );
    const a = await joinedFan(event.id);
    const b = await joinedFan(event.id);
    expect(a.entry).toMatchObject({ state: "waiting", position: 1 });
    expect(b.entry).toMatchObject({ state: "waiting", position: 2 });
    expect(placeFromPushes(b, b.fan.statuses.at(-1))).toBe(2);

    expect(await a.fan.socket.timeout(5000).emitWithAck("queue:leave", { eventId: event.id })).toEqual({
      ok: true,
      data: { left: true },
    });
    await waitFor("A's departure pushed to B", () => b.departed.some((d) => d.numbers.includes(a.entry.queueNumber!)));
    const framesSoFar = b.fan.statuses.length;
    expect(placeFromPushes(b, b.fan.statuses.at(-1))).toBe(1);
    // No admission happened: the slot is still the first fan's, and the cursor has not moved past A.
    const status = await waitFor(
      "a status frame after the departure",
      () => b.fan.statuses.length > framesSoFar && b.fan.statuses.at(-1),
    );
    expect(placeFromPushes(b, status)).toBe(1);
    expect(status).toMatchObject({ admittedTotal: 1, servedUpTo: holder.entry.queueNumber ?? 1 });
    expect(b.fan.admitted).toHaveLength(0);
    // The server agrees, and B's queue number never changed.
    const again = await b.fan.join(event.id);
    expect(again.ok && again.data).toMatchObject({ state: "waiting", position: 1, queueNumber: b.entry.queueNumber });
  });
});

describe("the sale's status reaches the fans at once", () => {
  it("pushes event:status to the event's room when an admin pauses, resumes and closes the sale", async () => {
    const event = await createEvent(url, stackAdmin, {
      ...eventBody,
      waitingRoom: { admitPerMinute: 600, maxActiveCheckouts: 5 },
    });
    const admitted = await joinedFan(event.id);
    await waitFor("the fan admitted", () => admitted.fan.admitted.length === 1 || admitted.entry.state === "admitted");
    for (const status of ["paused", "on_sale", "closed"]) {
      const before = Date.now();
      await setStatus(event.id, status);
      const pushed = await waitFor(
        `event:status ${status}`,
        () => admitted.statusChanges.find((s) => s.status === status),
        5_000,
      );
      expect(pushed).toMatchObject({ eventId: event.id, status });
      expect(pushed.atMs).toBeGreaterThanOrEqual(before - 1_000);
    }
    expect(admitted.statusChanges.map((s) => s.status)).toEqual(["paused", "on_sale", "closed"]);
  });
});
