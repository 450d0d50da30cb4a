import { describe, expect, it } from "vitest";
import { leftToPay } from "./page.js";

describe("leftToPay", () => {
  it("reads minutes:seconds, rounded up so the last second still shows", () => {
    expect(leftToPay(161_000)).toBe("2:41 left to pay");
    expect(leftToPay(60_000)).toBe("1:00 left to pay");
    expect(leftToPay(59_001)).toBe("1:00 left to pay");
    expect(leftToPay(9_000)).toBe("0:09 left to pay");
    expect(leftToPay(1)).toBe("0:01 left to pay");
    expect(leftToPay(3_600_000)).toBe("60:00 left to pay");
  });
});
