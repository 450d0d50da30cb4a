// Goal: remembering verified tokens changes no answer — a cached token still stops working at
// its expiry, a token with one changed byte is still refused, and a fan token never passes as an
// admission token (or the other way round) even after it was verified once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenService } from "./tokens.js";

const tokens = new TokenService("a test secret key that is long enough");

afterEach(() => {
  vi.useRealTimers();
});

const flip = (token: string) => {
  const i = token.length - 5;
  return `${token.slice(0, i)}${token[i] === "A" ? "B" : "A"}${token.slice(i + 1)}`;
};

describe("TokenService verification cache", () => {
  it("answers the same twice, refuses a changed byte and the other purpose", async () => {
    const fan = await tokens.signFan("fan-1");
    expect(await tokens.verifyFan(fan)).toBe("fan-1");
    expect(await tokens.verifyFan(fan)).toBe("fan-1");
    expect(await tokens.verifyFan(flip(fan))).toBeNull();
    expect(await tokens.verifyAdmission(fan)).toBeNull();
    const admission = await tokens.signAdmission({
      fanId: "fan-1",
      eventId: "ev-1",
      jti: "j-1",
      expiresAtMs: Date.now() + 60_000,
    });
    expect((await tokens.verifyAdmission(admission))?.jti).toBe("j-1");
    expect(await tokens.verifyFan(admission)).toBeNull();
  });

  it("stops accepting a cached token once it expires", async () => {
    const admission = await tokens.signAdmission({
      fanId: "fan-2",
      eventId: "ev-1",
      jti: "j-2",
      expiresAtMs: Date.now() + 5_000,
    });
    expect(await tokens.verifyAdmission(admission)).not.toBeNull();
    vi.useFakeTimers({ now: Date.now() + 6_000, toFake: ["Date"] });
    expect(await tokens.verifyAdmission(admission)).toBeNull();
  });
});

describe("place tokens", () => {
  it("prove a number for one fan and one event, and nothing after any change", () => {
    const token = tokens.signPlace("fan-1", "ev-1", 42);
    expect(tokens.verifyPlace(token, "fan-1", "ev-1")).toBe(42);
    expect(tokens.verifyPlace(token, "fan-2", "ev-1")).toBeNull();
    expect(tokens.verifyPlace(token, "fan-1", "ev-2")).toBeNull();
    expect(tokens.verifyPlace(token.replace(/^42/, "41"), "fan-1", "ev-1")).toBeNull();
    expect(tokens.verifyPlace(flip(token), "fan-1", "ev-1")).toBeNull();
    for (const junk of ["", "42", "42.", "-1.AAAAAAAAAAAAAAAAAAAAAA", `42.${"A".repeat(64)}`]) {
      expect(tokens.verifyPlace(junk, "fan-1", "ev-1")).toBeNull();
    }
    // Another secret signs other tokens.
    expect(new TokenService("another test secret key, long enough too").verifyPlace(token, "fan-1", "ev-1")).toBeNull();
  });

  it("admission tokens carry the queue number when given one", async () => {
    const claims = { fanId: "fan-1", eventId: "ev-1", jti: "j-3", expiresAtMs: Date.now() + 60_000 };
    expect((await tokens.verifyAdmission(await tokens.signAdmission({ ...claims, queueNumber: 9 })))?.queueNumber).toBe(
      9,
    );
    expect((await tokens.verifyAdmission(await tokens.signAdmission(claims)))?.queueNumber).toBeUndefined();
  });
});
