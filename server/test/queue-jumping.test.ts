// Goal (R16, I5): nobody gets ahead in line by asking. One checkout slot, taken, so everyone else
// waits: a hold without an admission (none at all, empty, another fan's) is refused 401/403 and
// makes nothing; joining again — on the socket, on REST, from a second tab — gives the same number
// and never a better place, and leaving then joining again puts the fan at the back; a join
// carrying client-supplied fields (queueNumber, position, state, admission) or another fan's
// proofs (place token, admission token) or forged ones changes nothing. Afterwards admissions go
// strictly in number order. The control: the fan the proofs belong to gets its own place with them.
import { describe, expect, it } from "vitest";
import type { QueueEntry } from "@stampede/shared/protocol";
import { admittedFan, stockOf, type AdmittedFan } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const served = useStack();
const asAdmin = {
  "content-type": "application/json",
  authorization: basicAuth(stackAdmin.username, stackAdmin.password),
};

const fan = async () => served.closeAfter(await connectFan(served.url));

async function joined(f: TestFan, eventId: string, payload: Record<string, unknown> = {}): Promise<QueueEntry> {
  const ack = await f.socket.timeout(10_000).emitWithAck("queue:join", { eventId, ...payload } as { eventId: string });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return ack.data;
}

async function restJoin(f: TestFan, eventId: string, body: Record<string, unknown> = {}): Promise<QueueEntry> {
  const res = await fetch(`${served.url}/api/events/${eventId}/queue`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${f.fanToken}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entry: QueueEntry }).entry;
}

/** The fan's state as the REST poll reads it (no join). */
async function stateOf(f: TestFan, eventId: string): Promise<string | null> {
  const res = await fetch(`${served.url}/api/events/${eventId}/queue`, {
    headers: { authorization: `Bearer ${f.fanToken}` },
  });
  return ((await res.json()) as { entry: QueueEntry | null }).entry?.state ?? null;
}

const rank = (e: QueueEntry) => [e.state, e.queueNumber, e.position];
const leave = (f: TestFan, eventId: string) => f.socket.timeout(5_000).emitWithAck("queue:leave", { eventId });

/** Holds by a waiting fan with no admission of their own, and with no fan at all: 401/403, no stock taken. */
async function refusesHoldsWithoutAdmission(eventId: string, classId: string, waiting: TestFan, admitted: AdmittedFan) {
  const holdAs = async (fanToken: string | null, body: Record<string, unknown>) => {
    const res = await fetch(`${served.url}/api/events/${eventId}/holds`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(fanToken ? { authorization: `Bearer ${fanToken}` } : {}) },
      body: JSON.stringify({ items: [{ classId, quantity: 1 }], email: "fan@example.test", ...body }),
    });
    return `${res.status} ${((await res.json()) as { error?: { code: string } }).error?.code ?? "ok"}`;
  };
  const someoneElses = { admissionToken: admitted.admissionToken };
  expect(await holdAs(null, someoneElses)).toBe("401 unauthorized");
  expect(await holdAs(`${waiting.fanToken}x`, someoneElses)).toBe("401 unauthorized");
  expect(await holdAs(waiting.fanToken, {})).toBe("403 admission_required");
  expect(await holdAs(waiting.fanToken, { admissionToken: "" })).toBe("403 admission_required");
  expect(await holdAs(waiting.fanToken, someoneElses)).toBe("403 admission_required");
  expect((await stockOf(served.url, eventId))[0]).toMatchObject({ available: 50, held: 0, sold: 0 });
}

/** Frees the one slot fan by fan and checks that the next to get it is always the next number. */
async function admitsInNumberOrder(eventId: string, first: TestFan, byNumber: TestFan[]) {
  await leave(first, eventId);
  for (const [i, next] of byNumber.entries()) {
    const states = await waitFor(`the fan with the ${i + 1}. number admitted`, async () => {
      const views = await Promise.all(byNumber.map((f) => stateOf(f, eventId)));
      return views.includes("admitted") ? views : null;
    });
    expect(states.map((st) => st === "admitted")).toEqual(byNumber.map((_, j) => j === i));
    await leave(next, eventId);
  }
}

describe("queue jumping", () => {
  it("refuses holds without an admission and gives nobody a better place for asking", async () => {
    const event = await createEvent(served.url, stackAdmin, {
      name: "Queue jumping",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 50 }],
      waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 1 },
    });
    const first = served.closeAfter(await admittedFan(served.url, event.id)); // takes the only slot
    const [b, c, d] = [await fan(), await fan(), await fan()];
    const entries = [await joined(b, event.id), await joined(c, event.id), await joined(d, event.id)];
    expect(entries.map(rank)).toEqual([
      ["waiting", 2, 1],
      ["waiting", 3, 2],
      ["waiting", 4, 3],
    ]);
    await refusesHoldsWithoutAdmission(event.id, (event.classes[0] as { id: string }).id, c, first);

    // Joining again, any way (socket, REST, a second tab), keeps the number and the place.
    const secondTab = served.closeAfter(await connectFan(served.url, { fanId: c.fanId, fanToken: c.fanToken }));
    const cAgain = [await joined(c, event.id), await restJoin(c, event.id), await joined(secondTab, event.id)];
    expect(cAgain.map(rank)).toEqual(Array.from({ length: 3 }, () => ["waiting", 3, 2]));

    // Client-supplied fields and other fans' or forged proofs: a newcomer stays a newcomer.
    const expiresAt = "2999-01-01T00:00:00Z";
    const admissionToken = first.admissionToken;
    const claims = {
      queueNumber: 1,
      position: 1,
      state: "admitted",
      admission: { token: admissionToken, expiresAt },
      admissionToken,
    };
    const bPlace = entries[0]!.placeToken!;
    const [jumper, restJumper] = [await fan(), await fan()];
    expect(rank(await joined(jumper, event.id, { ...claims, placeToken: bPlace }))).toEqual(["waiting", 5, 4]);
    expect(rank(await restJoin(restJumper, event.id, { ...claims, placeToken: `1.${"A".repeat(22)}` }))).toEqual([
      "waiting",
      6,
      5,
    ]);
    expect(rank(await joined(d, event.id, { ...claims, placeToken: bPlace }))).toEqual(["waiting", 4, 3]);
    // The control: the proof is genuine — its own fan gets its own place with it.
    expect(rank(await joined(b, event.id, { placeToken: bPlace }))).toEqual(["waiting", 2, 1]);

    // Leaving and coming back puts the fan at the back.
    await leave(c, event.id);
    expect(rank(await joined(c, event.id))).toEqual(["waiting", 7, 5]);

    await admitsInNumberOrder(event.id, first, [b, d, jumper, restJumper, c]);
    const audit = await fetch(`${served.url}/api/admin/events/${event.id}/audit`, { headers: asAdmin });
    expect(await audit.json()).toMatchObject({ ok: true });
  }, 60_000);
});
