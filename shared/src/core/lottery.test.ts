// Goal: the lottery is the published recipe and nothing else — SHA-256 commitment of the seed,
// HMAC-SHA256(seed, fanPublicId) keys, order by key — so anyone can verify it with any crypto
// library; checked against node:crypto and a fixed known-answer vector.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lotteryKey, lotteryOrder, newLotterySeed, seedHash } from "./lottery.js";

const seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

describe("lottery", () => {
  it("matches a fixed known-answer vector", async () => {
    // Computed once with node:crypto and frozen here, so a change of recipe cannot pass silently.
    expect(await seedHash(seed)).toBe("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
    expect(await lotteryKey(seed, "fan-1")).toBe("c6383d3bd02c716f7c04c8b196955616311d88d3737908123075a7b0a2e29777");
  });

  it("agrees with node:crypto on random seeds and ids", async () => {
    for (let i = 0; i < 20; i++) {
      const s = newLotterySeed();
      const id = `fan-${i}-${crypto.randomUUID()}`;
      expect(await seedHash(s)).toBe(createHash("sha256").update(Buffer.from(s, "hex")).digest("hex"));
      expect(await lotteryKey(s, id)).toBe(
        createHmac("sha256", Buffer.from(s, "hex")).update(id, "utf8").digest("hex"),
      );
    }
  });

  it("orders fans by key, the same way every time, whatever the input order", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `fan-${i}`);
    const order = await lotteryOrder(seed, ids);
    const keys = ids.map((id) => ({
      id,
      key: createHmac("sha256", Buffer.from(seed, "hex")).update(id).digest("hex"),
    }));
    keys.sort((a, b) => a.key.localeCompare(b.key));
    expect(order).toEqual(keys.map((k) => k.id));
    expect(await lotteryOrder(seed, [...ids].reverse())).toEqual(order);
    expect(order).not.toEqual(ids); // a shuffle, not the arrival order
    expect(await lotteryOrder(newLotterySeed(), ids)).not.toEqual(order);
  });

  it("refuses weak seeds and duplicate ids", async () => {
    await expect(seedHash("abcd")).rejects.toThrow(/shorter/);
    await expect(seedHash("zz".repeat(32))).rejects.toThrow(/hex/);
    await expect(lotteryOrder(seed, ["a", "b", "a"])).rejects.toThrow(/duplicate/);
  });
});
