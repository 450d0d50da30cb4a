import { describe, expect, it } from "vitest";
import { allowanceLeft } from "./allowance.js";

const account = (credits: bigint, posted: bigint, pending: bigint) => ({
  credits_posted: credits,
  debits_posted: posted,
  debits_pending: pending,
});

describe("allowanceLeft", () => {
  it("is the whole per-fan limit before the fan's first hold", () => {
    expect(allowanceLeft(null, 6)).toBe(6);
  });

  it("counts held and bought tickets, and refunds back", () => {
    expect(allowanceLeft(account(6n, 0n, 2n), 6)).toBe(4);
    expect(allowanceLeft(account(6n, 2n, 2n), 6)).toBe(2);
    expect(allowanceLeft(account(8n, 2n, 0n), 6)).toBe(6); // 2 refunded: credited back
  });

  it("never goes below zero", () => {
    expect(allowanceLeft(account(6n, 6n, 0n), 6)).toBe(0);
    expect(allowanceLeft(null, -1)).toBe(0);
  });
});
