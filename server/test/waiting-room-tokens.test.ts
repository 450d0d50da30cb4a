// Goal: only genuine fan tokens open a socket (forged, expired, alg:none and other-key tokens are
// refused at connect with "unauthorized"); joins and new sessions are rate-limited per IP with
// 429 + Retry-After; the lottery order is the one anyone can recompute from the published seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, hkdfSync } from "node:crypto";
import { SignJWT } from "jose";
import { lotteryOrder } from "@stampede/shared/core/lottery";
import type { LotteryView, QueueEntry } from "@stampede/shared/protocol";
import { connectFan, connectSocket, createEvent, newSession, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin, stackSecretKey, startStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let url: string;
const fans: TestFan[] = [];
beforeAll(async () => {
  stack = await startStack({ SESSION_LIMIT_PER_IP_PER_MINUTE: "40", JOIN_LIMIT_PER_IP_PER_MINUTE: "1000" });
  url = (await stack.addServer()).url;
});
afterAll(async () => {
  for (const f of fans) f.close();
  await stack.close();
});

const fanKey = (secret: string) => new Uint8Array(hkdfSync("sha256", secret, "stampede-token-keys", "fan-session", 32));

async function refused(token: string): Promise<string> {
  return connectSocket(url, token).then(
    (s) => {
      s.close();
      return "connected";
    },
    (err: Error) => err.message,
  );
}

describe("fan tokens at connect", () => {
  it("accepts a genuine token", async () => {
    const { fanToken } = await newSession(url);
    expect(await refused(fanToken)).toBe("connected");
  });

  it("refuses garbage, a flipped bit, alg:none, another key and an expired token", async () => {
    const { fanId, fanToken } = await newSession(url);
    const [h, p, sig] = fanToken.split(".") as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.at(-2) === "A" ? "B" : "A"}${sig.at(-1)}`;
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`;
    const claims = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(fanId)
        .setIssuer("stampede")
        .setAudience("fan")
        .setIssuedAt();
    const otherKey = await claims().setExpirationTime("1h").sign(fanKey("some-other-secret-key-0123456789abcdef"));
    const expired = await claims()
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(fanKey(stackSecretKey));
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(fanId)
      .setIssuer("stampede")
      .setAudience("admission")
      .setExpirationTime("1h")
      .sign(fanKey(stackSecretKey));
    for (const token of ["", "not-a-jwt", flipped, none, otherKey, expired, wrongAudience])
      expect(await refused(token)).toBe("unauthorized");
    // The control: the same construction with the real key and a live expiry is accepted.
    expect(await refused(await claims().setExpirationTime("1h").sign(fanKey(stackSecretKey)))).toBe("connected");
  });
});

describe("rate limits", () => {
  it("limits new sessions per IP with 429 and Retry-After, and keeps existing sessions working", async () => {
    const existing = await newSession(url);
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await fetch(`${url}/api/session`, { method: "POST" });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited?.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    // Spoofing X-Forwarded-For does not help: no proxy is trusted.
    expect(
      (await fetch(`${url}/api/session`, { method: "POST", headers: { "x-forwarded-for": "203.0.113.9" } })).status,
    ).toBe(429);
    const resumed = await fetch(`${url}/api/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${existing.fanToken}` },
    });
    expect(resumed.status).toBe(200);
  });
});

describe("join limits", () => {
  it("limits queue joins per fan with 429 and Retry-After", async () => {
    const event = await createEvent(url, stackAdmin, {
      name: "Join limit",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 10 }],
    });
    const { fanToken } = spareSessions.pop()!;
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 70 && !limited; i++) {
      const res = await fetch(`${url}/api/events/${event.id}/queue`, {
        method: "POST",
        headers: { authorization: `Bearer ${fanToken}` },
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    // Over the socket the same limit answers an error ack.
    const fan = await connectFan(url, { fanId: "x", fanToken });
    fans.push(fan);
    expect(await fan.join(event.id)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });
});

describe("lottery", () => {
  it("publishes the seed hash before the draw, then the seed and an order anyone can recompute", async () => {
    const opensAt = new Date(Date.now() + 4_000).toISOString();
    const event = await createEvent(url, stackAdmin, {
      name: "Lottery night",
      status: "scheduled",
      classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 100 }],
      waitingRoom: { mode: "lottery", opensAt, admitPerMinute: 60_000, maxActiveCheckouts: 1000 },
    });
    const joined: Array<{ fan: TestFan; entry: QueueEntry }> = [];
    for (let i = 0; i < 15; i++) {
      const fan = await connectFan(url, await newSessionFromExisting());
      fans.push(fan);
      const ack = await fan.join(event.id);
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      joined.push({ fan, entry: ack.data });
    }
    expect(joined.every((j) => j.entry.state === "pre_queue" && j.entry.queueNumber === null)).toBe(true);
    const before = await waitFor("seed hash published", async () => {
      const v = (await (await fetch(`${url}/api/events/${event.id}/lottery`)).json()) as LotteryView;
      return v.seedHash ? v : null;
    });
    expect(before).toMatchObject({ mode: "lottery", seed: null, drawnAt: null, order: null });

    const after = await waitFor(
      "the draw",
      async () => {
        const v = (await (await fetch(`${url}/api/events/${event.id}/lottery`)).json()) as LotteryView;
        return v.drawnAt ? v : null;
      },
      20_000,
    );
    expect(after.seedHash).toBe(before.seedHash);
    expect(createHash("sha256").update(Buffer.from(after.seed!, "hex")).digest("hex")).toBe(before.seedHash);
    const ids = joined.map((j) => j.fan.fanId);
    expect(after.order).toEqual(await lotteryOrder(after.seed!, ids));
    // Numbers follow the drawn order.
    const numbers = await Promise.all(
      joined.map(async (j) => {
        const ack = await j.fan.join(event.id);
        return { fanId: j.fan.fanId, n: ack.ok ? ack.data.queueNumber : null };
      }),
    );
    const byNumber = numbers.sort((a, b) => (a.n ?? 0) - (b.n ?? 0)).map((x) => x.fanId);
    expect(byNumber).toEqual(after.order);
    const ev = (await (await fetch(`${url}/api/events/${event.id}`)).json()) as { status: string };
    expect(ev.status).toBe("on_sale");
  }, 40_000);
});

/** Sessions for the lottery test, made before the per-IP session limit test can starve them. */
const spareSessions: Array<{ fanId: string; fanToken: string }> = [];
beforeAll(async () => {
  for (let i = 0; i < 16; i++) spareSessions.push(await newSession(url));
});
async function newSessionFromExisting() {
  const s = spareSessions.pop();
  if (!s) throw new Error("out of spare sessions");
  return s;
}
