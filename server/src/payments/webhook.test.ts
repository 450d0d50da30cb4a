// Goal: only a webhook signed with a current secret over the exact bytes received, within ±300 s,
// verifies (R7's forgery table); a replay inside the window still verifies, because replays are
// stopped by the shop's inbox, not by the signature. Also: the body schema and its fixed bytes.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook, webhookBody, webhookEventSchema, type WebhookEvent } from "./webhook.js";

const secret = "whsec_current_0123456789";
const oldSecret = "whsec_previous_0123456789";
const now = 1_750_000_000;
const event: WebhookEvent = {
  id: "evt_0196a1b2c3d4e5f6a7b8c9d0e1f2a3b4",
  type: "payment.succeeded",
  created: now,
  data: {
    sessionId: "ps_00112233445566778899aabbccddeeff",
    orderId: "0196a1b2-c3d4-7e5f-a7b8-c9d0e1f2a3b4",
    amountCents: 4200,
    currency: "USD",
  },
};
const body = webhookBody(event);
const hex = (s: string, t: number, b: string) => createHmac("sha256", s).update(`${t}.${b}`).digest("hex");

describe("signWebhook", () => {
  it("is t=<unix>,v1=<hex HMAC-SHA256 over '<t>.<raw body>'>", () => {
    expect(signWebhook(secret, body, now)).toBe(`t=${now},v1=${hex(secret, now, body)}`);
    expect(signWebhook(secret, Buffer.from(body), now)).toBe(signWebhook(secret, body, now));
  });

  it("asserts on programmer errors (empty secret, fractional time)", () => {
    expect(() => signWebhook("", body, now)).toThrow(/secret/);
    expect(() => signWebhook(secret, body, now + 0.5)).toThrow(/seconds/);
  });
});

describe("verifyWebhook: the forgery table", () => {
  const good = signWebhook(secret, body, now);
  const v1 = hex(secret, now, body);
  const wrong = hex("whsec_attacker_0123456789", now, body);
  const cases: Array<[string, string | undefined, string, number, { ok: boolean; reason?: string }]> = [
    ["a correct signature", good, body, now, { ok: true }],
    ["a replay within the tolerance (the inbox dedupes, not the signature)", good, body, now + 299, { ok: true }],
    ["exactly 300 s old: the last valid second", good, body, now + 300, { ok: true }],
    ["301 s old: stale", good, body, now + 301, { ok: false, reason: "timestamp_out_of_tolerance" }],
    ["301 s in the future", good, body, now - 301, { ok: false, reason: "timestamp_out_of_tolerance" }],
    ["the wrong secret", `t=${now},v1=${wrong}`, body, now, { ok: false, reason: "signature_mismatch" }],
    [
      "one changed byte in the body",
      good,
      body.replace("4200", "4201"),
      now,
      { ok: false, reason: "signature_mismatch" },
    ],
    [
      "a re-timed header with the old signature",
      `t=${now + 1},v1=${v1}`,
      body,
      now,
      { ok: false, reason: "signature_mismatch" },
    ],
    ["no header", undefined, body, now, { ok: false, reason: "missing_header" }],
    ["an empty header", "  ", body, now, { ok: false, reason: "missing_header" }],
    ["garbage", "garbage", body, now, { ok: false, reason: "malformed_header" }],
    ["no timestamp", `v1=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    ["no v1", `t=${now}`, body, now, { ok: false, reason: "malformed_header" }],
    ["two timestamps", `t=${now},t=${now},v1=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    ["a short v1", `t=${now},v1=${v1.slice(2)}`, body, now, { ok: false, reason: "malformed_header" }],
    ["a non-hex v1", `t=${now},v1=${"z".repeat(64)}`, body, now, { ok: false, reason: "malformed_header" }],
    ["a non-numeric timestamp", `t=now,v1=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    ["a negative timestamp", `t=-${now},v1=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    ["blanks around the items are tolerated", ` t=${now} ,  v1=${v1} `, body, now, { ok: true }],
    ["a blank inside the timestamp", `t= ${now},v1=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    [
      "a blank inside the signature",
      `t=${now},v1=${v1.slice(0, 10)} ${v1.slice(11)}`,
      body,
      now,
      { ok: false, reason: "malformed_header" },
    ],
    [
      "two v1, the second right (rotation on the sender's side)",
      `t=${now},v1=${wrong},v1=${v1}`,
      body,
      now,
      { ok: true },
    ],
    ["two v1, both wrong", `t=${now},v1=${wrong},v1=${wrong}`, body, now, { ok: false, reason: "signature_mismatch" }],
    ["an unknown scheme beside v1 is ignored", `t=${now},v0=abc,v1=${v1}`, body, now, { ok: true }],
    ["only an unknown scheme", `t=${now},v2=${v1}`, body, now, { ok: false, reason: "malformed_header" }],
    [
      "an oversized header",
      `t=${now},v1=${v1},${"x=1,".repeat(600)}`,
      body,
      now,
      { ok: false, reason: "malformed_header" },
    ],
    [
      "too many v1",
      `t=${now},${`v1=${wrong},`.repeat(8)}v1=${v1}`,
      body,
      now,
      { ok: false, reason: "malformed_header" },
    ],
  ];

  it.each(cases)("%s", (_name, header, rawBody, at, expected) => {
    const outcome = verifyWebhook(header, rawBody, [secret], at);
    expect(outcome).toEqual(expected.ok ? { ok: true } : { ok: false, reason: expected.reason });
  });

  it("accepts any configured secret (rotation on the receiver's side) and raw bytes as a Buffer", () => {
    const signedWithOld = signWebhook(oldSecret, body, now);
    expect(verifyWebhook(signedWithOld, Buffer.from(body), [secret, oldSecret], now)).toEqual({ ok: true });
    expect(verifyWebhook(signedWithOld, body, [secret], now)).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("honours a custom tolerance", () => {
    expect(verifyWebhook(signWebhook(secret, body, now), body, [secret], now + 11, 10)).toEqual({
      ok: false,
      reason: "timestamp_out_of_tolerance",
    });
  });

  it("asserts when no secret is configured (a wiring bug, not a forged request)", () => {
    expect(() => verifyWebhook(signWebhook(secret, body, now), body, [], now)).toThrow(/secret/);
    expect(() => verifyWebhook(signWebhook(secret, body, now), body, [""], now)).toThrow(/secret/);
  });
});

describe("webhook body", () => {
  it("is the fixed-order JSON of the contract, and parses back", () => {
    expect(body).toBe(
      `{"id":"${event.id}","type":"payment.succeeded","created":${now},"data":{"sessionId":"${event.data.sessionId}","orderId":"${event.data.orderId}","amountCents":4200,"currency":"USD"}}`,
    );
    expect(webhookEventSchema.parse(JSON.parse(body))).toEqual(event);
  });

  it("rejects unknown types, bad ids and fractional money", () => {
    expect(webhookEventSchema.safeParse({ ...event, type: "payment.refunded" }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ ...event, id: "ev_1" }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ ...event, data: { ...event.data, amountCents: 1.5 } }).success).toBe(false);
  });
});
