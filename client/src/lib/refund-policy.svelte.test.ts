import { describe, expect, it } from "vitest";
import { RefundPolicy } from "./refund-policy.svelte.js";
import type { Api } from "./api.js";

/** An Api answering the policy routes from a value the test holds. */
function fakeApi(initial: number) {
  let hours = initial;
  const puts: unknown[] = [];
  const api = {
    get: async () => ({ ok: true as const, data: { refundWindowHours: hours } }),
    put: async (_e: unknown, body: { refundWindowHours: number }) => {
      puts.push(body);
      hours = body.refundWindowHours;
      return { ok: true as const, data: { refundWindowHours: hours } };
    },
  } as unknown as Pick<Api, "get" | "put">;
  return { api, puts };
}

describe("RefundPolicy", () => {
  it("reads the window, saves a new one, and refuses what the rule refuses without sending", async () => {
    const { api, puts } = fakeApi(0);
    const policy = new RefundPolicy({ api, eventId: "e1" });
    await policy.load();
    expect([policy.hoursSaved, policy.hours]).toEqual([0, "0"]);
    for (const bad of ["-1", "1.5", "8761", "many"]) {
      policy.hours = bad;
      expect(policy.error).toBeDefined();
      expect(await policy.save()).toBe(false);
    }
    expect(puts).toEqual([]);
    policy.hours = "48";
    expect(policy.error).toBeUndefined();
    expect(await policy.save()).toBe(true);
    expect([puts, policy.hoursSaved, policy.saved]).toEqual([[{ refundWindowHours: 48 }], 48, true]);
  });
});
