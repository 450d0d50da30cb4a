// Goal: the cancellation sweep's retry backoff grows from its period to its cap.
import { describe, expect, it } from "vitest";
import { cancellationSweepEveryMs, refundRetryMs } from "./cancellation-sweep.js";

describe("refund retry backoff", () => {
  it("doubles from the sweep's period up to a minute", () => {
    expect(refundRetryMs(0)).toBe(cancellationSweepEveryMs);
    expect(refundRetryMs(1)).toBe(2 * cancellationSweepEveryMs);
    expect(refundRetryMs(50)).toBe(60_000);
  });
});
