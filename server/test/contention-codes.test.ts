// Goal: under contention every loser gets the code that says what happened. Fans racing for the
// last ticket get `sold_out` (not "only 1 left", which was the stock snapshot's stale count of
// the ticket the winner had just held); requests racing on one admission get `hold_active` (not
// `fan_limit_reached`, which was the winner's pending hold using up the allowance; a fan whose
// allowance is spent by paid tickets still gets `fan_limit_reached`: checkout.test.ts). Real server, workers, Redis and
// PostgreSQL; the control checks that the losers were decided by the ledger, where the race is.
import { afterEach, describe, expect, it } from "vitest";
import { admittedFan, auditOk, hold, type AdmittedFan, type HoldAnswer } from "./support/checkout.js";
import { basicAuth, createEvent } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const eventsMade: string[] = [];

const served = useStack();
afterEach(async () => {
  const basic = basicAuth(stackAdmin.username, stackAdmin.password);
  for (const id of eventsMade.splice(0)) expect(await auditOk(served.url, id, basic)).toBe(true);
});

async function sale(capacity: number, perFanMax: number): Promise<{ eventId: string; classId: string }> {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Contention",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity, perOrderMax: 6 }],
    waitingRoom: { admitPerMinute: 600_000, maxActiveCheckouts: 500, perFanMax },
  });
  eventsMade.push(event.id);
  return { eventId: event.id, classId: event.classes[0]!.id };
}

async function admitted(eventId: string, count: number): Promise<AdmittedFan[]> {
  const made = await Promise.all(Array.from({ length: count }, () => admittedFan(served.url, eventId)));
  made.forEach((x) => served.closeAfter(x));
  return made;
}

/** Transfers the server has sent to the ledger so far (its batching histogram's sum). */
const ledgerTransfers = async () => {
  const metrics = await (await fetch(`${served.url}/metrics`)).text();
  return Number(/^stampede_ledger_batch_events_sum (\S+)$/m.exec(metrics)?.[1] ?? NaN);
};

const codeOf = (a: HoldAnswer) => `${a.status} ${(a.body as { error?: { code: string } }).error?.code ?? "ok"}`;
const codes = (answers: HoldAnswer[]) => answers.map(codeOf).sort();

describe("codes under contention", () => {
  it("fans racing for the last ticket: one holds it, every other is told sold_out", async () => {
    const { eventId, classId } = await sale(1, 6);
    const crowd = await admitted(eventId, 30);
    const before = await ledgerTransfers();
    const answers = await Promise.all(crowd.map((f) => hold(served.url, f, eventId, [{ classId, quantity: 1 }])));
    expect(codes(answers)).toEqual(["201 ok", ...Array<string>(29).fill("409 sold_out")].sort());
    // Control: losers reached the ledger (a hold is 3 transfers), so the race was decided there, not only by the snapshot.
    expect((await ledgerTransfers()) - before).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it("many requests on one admission: one hold, every other is told hold_active", async () => {
    const { eventId, classId } = await sale(1_000, 6);
    const [fan] = await admitted(eventId, 1);
    const before = await ledgerTransfers();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => hold(served.url, fan!, eventId, [{ classId, quantity: 6 }])),
    );
    expect(codes(answers)).toEqual(["201 ok", ...Array<string>(19).fill("409 hold_active")].sort());
    expect((await ledgerTransfers()) - before).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
