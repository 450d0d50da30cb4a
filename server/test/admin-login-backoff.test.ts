// Goal: a password guesser is slowed, the owner is never locked out. Behind one trusted proxy hop
// (so X-Forwarded-For picks the client IP): an attacker hammering the admin account waits 1 s, 2 s,
// 4 s … between checked guesses; the owner signs in from another IP throughout; the owner on the
// attacker's IP signs in once the current wait is over. The backoff runs on a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, testAdmin, type TestApp } from "./support/app.js";
import { json } from "./support/services.js";

let clock = Date.now();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ trustProxyHops: 1, adminLoginBackoff: { now: () => clock, baseMs: 1_000, maxMs: 60_000 } });
});
afterAll(() => t.close());

const attackerIp = "203.0.113.7";
const ownerIp = "198.51.100.2";
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

async function login(password: string, ip: string) {
  const res = await fetch(`${t.url}/api/admin/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ username: testAdmin.username, password }),
  });
  const body = (await json(res)) as { error?: { code: string; details?: { retryAfterMs?: number } } };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), waitMs: body.error?.details?.retryAfterMs };
}

describe("admin sign-in backoff", () => {
  it("slows the attacker with doubling waits while the owner signs in from another IP, and from the same IP after the wait", async () => {
    const waits: number[] = [];
    for (let round = 0; round < 5; round++) {
      expect((await login(`guess-${round}`, attackerIp)).status).toBe(401);
      // Hammering during the wait is answered 429 without a check, and does not stretch the wait.
      const hammered = await Promise.all(
        Array.from({ length: 5 }, (_, i) => login(`hammer-${round}-${i}`, attackerIp)),
      );
      expect(hammered.map((r) => r.status)).toEqual([429, 429, 429, 429, 429]);
      const wait = hammered[0]?.waitMs ?? 0;
      expect(hammered[0]?.retryAfter).toBe(String(Math.ceil(wait / 1000)));
      waits.push(wait);
      // The owner, elsewhere, is never held up — by password or by Basic.
      expect((await login(testAdmin.password, ownerIp)).status).toBe(200);
      const me = await fetch(`${t.url}/api/admin/me`, {
        headers: { authorization: basic(testAdmin.username, testAdmin.password), "x-forwarded-for": ownerIp },
      });
      expect(me.status).toBe(200);
      clock += wait;
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);

    // The owner behind the attacker's IP: refused while the wait runs, signed in once it is over.
    expect((await login("guess-last", attackerIp)).status).toBe(401);
    const held = await login(testAdmin.password, attackerIp);
    expect(held.status).toBe(429);
    expect(held.waitMs).toBe(32_000);
    clock += held.waitMs ?? 0;
    expect((await login(testAdmin.password, attackerIp)).status).toBe(200);
    // The success cleared the count: the next wrong password starts again at the base wait.
    expect((await login("guess-again", attackerIp)).status).toBe(401);
    expect((await login("guess-again", attackerIp)).waitMs).toBe(1_000);
  });

  it("lets parallel guesses after a failure through one at a time: one check per wait", async () => {
    const ip = "203.0.113.99";
    expect((await login("first", ip)).status).toBe(401);
    clock += 1_000;
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => login(`burst-${i}`, ip)));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(1);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(7);
  });
});
