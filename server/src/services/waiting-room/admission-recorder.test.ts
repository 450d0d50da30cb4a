// Goal: the recorder merges what it learns per (event, fan) the way PostgreSQL does, writes it in
// batches of at most batchFansMax with one flush, and drops (and counts) new fans when full.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import type { AdmissionFact } from "../../adapters/postgres/admission-records-repo.js";
import { AdmissionRecorder } from "./admission-recorder.js";

const logger = { warn: vi.fn() } as unknown as ConstructorParameters<typeof AdmissionRecorder>[1];

function recorder(options = {}) {
  const batches: AdmissionFact[][] = [];
  const r = new AdmissionRecorder({ upsert: async (facts) => void batches.push([...facts]) }, logger, {
    flushMs: 60_000,
    ...options,
  });
  return { r, batches };
}

describe("AdmissionRecorder", () => {
  it("merges one fan's facts: earliest join, first admission with its number, first leave", async () => {
    const { r, batches } = recorder();
    const [ev, fan] = [randomUUID(), randomUUID()];
    r.joined(ev, fan, null, 2_000);
    r.joined(ev, fan, null, 1_000);
    r.numbered(ev, [fan]);
    r.admitted(ev, [{ fanId: fan, queueNumber: 1 }], 3_000);
    r.joined(ev, fan, 9, 4_000); // joined again later with a new number: the admission's stays
    r.admitted(ev, [{ fanId: fan, queueNumber: 9 }], 5_000);
    r.left(ev, fan, 6_000);
    r.left(ev, fan, 7_000);
    await r.flush();
    expect(batches).toEqual([
      [{ eventId: ev, fanId: fan, queueNumber: 1, joinedAtMs: 1_000, admittedAtMs: 3_000, leftAtMs: 6_000 }],
    ]);
  });

  it("writes in batches and nothing when idle", async () => {
    const { r, batches } = recorder({ batchFansMax: 2 });
    const ev = randomUUID();
    for (let i = 0; i < 5; i++) r.joined(ev, randomUUID(), i + 1, i);
    await r.flush();
    await r.flush();
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it("drops new fans when the buffer is full, and ids that are not ours", async () => {
    const { r, batches } = recorder({ bufferFansMax: 2 });
    const ev = randomUUID();
    const fans = [randomUUID(), randomUUID(), randomUUID()];
    for (const fan of fans) r.joined(ev, fan, null, 1);
    r.left(ev, fans[0]!, 2); // a fan already buffered is still merged
    r.joined(ev, "not-a-uuid", null, 1);
    await r.flush();
    expect(r.dropped).toBe(1);
    expect(batches[0]).toHaveLength(2);
    expect(batches[0]![0]!.leftAtMs).toBe(2);
  });

  it("flushes by itself within flushMs", async () => {
    const { r, batches } = recorder({ flushMs: 10 });
    r.joined(randomUUID(), randomUUID(), 1, 1);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
  });
});
