// Goal: ticket codes verify offline with the public key and nothing forged or altered passes.
import { describe, expect, it } from "vitest";
import { createPublicKey, verify } from "node:crypto";
import { newShortCode, TicketCodes } from "./ticket-codes.js";

const codes = new TicketCodes("ticket-test-secret-key-0123456789abcdef");
const claims = {
  ticketId: "01a20000-0000-7000-8000-000000000001",
  eventId: "01a20000-0000-7000-8000-000000000002",
  classCode: "VIP",
};

describe("ticket codes", () => {
  it("round-trips the claims", () => {
    expect(codes.verify(codes.sign(claims))).toEqual(claims);
  });

  it("verifies offline with the published public key alone", () => {
    const code = codes.sign(claims);
    const [v, payload, sig] = code.split(".") as [string, string, string];
    const publicKey = createPublicKey(codes.publicKeyPem());
    expect(verify(null, Buffer.from(`${v}.${payload}`), publicKey, Buffer.from(sig, "base64url"))).toBe(true);
  });

  it("rejects altered, foreign and malformed codes", () => {
    const code = codes.sign(claims);
    const [v, payload, sig] = code.split(".") as [string, string, string];
    const otherTier = Buffer.from(`${claims.ticketId}|${claims.eventId}|GA`).toString("base64url");
    const foreign = new TicketCodes("another-secret-key-0123456789abcdefgh").sign(claims);
    for (const bad of [
      `${v}.${otherTier}.${sig}`,
      foreign,
      `${v}.${payload}.${sig.slice(0, -3)}`,
      "SP2." + payload + "." + sig,
      "garbage",
      "",
    ]) {
      expect(codes.verify(bad)).toBeNull();
    }
  });
});

describe("short codes", () => {
  it("are ten characters of the unambiguous alphabet, drawn at random", () => {
    const drawn = Array.from({ length: 1_000 }, newShortCode);
    for (const code of drawn) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(new Set(drawn).size).toBe(drawn.length);
    // Every character of the alphabet turns up (10,000 draws of 1 in 32 each).
    expect(new Set(drawn.join("")).size).toBe(32);
  });
});
