// Goal: bot defence at the waiting room's join. With the challenge asked of every join ("always"),
// an unsolved join is refused 403 challenge_required over REST and over the socket, and nothing is
// joined; a solved one joins once — the same solution again is challenge_failed "replayed", another
// fan's "wrong_fan", a tampered one "invalid", one past its two minutes "expired" (on a clock the test
// moves, no sleep). In auto mode joins below the thresholds need nothing (the negative control); past
// the subnet's threshold that subnet must solve one while another subnet still joins freely.
// Behind one trusted proxy hop, so X-Forwarded-For picks each request's client address.
import { solveChallenge } from "altcha-lib/v1";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { botDefenceDefaults, type ChallengeView } from "@stampede/shared/api/bot-defence";
import type { Ack, ClientToServerEvents, QueueEntry, ServerToClientEvents } from "@stampede/shared/protocol";
import type { Socket } from "socket.io-client";
import { createRedis } from "../src/adapters/redis/connection.js";
import { startRealtime, type Realtime } from "../src/composition/realtime.js";
import { createLogger } from "../src/logger.js";
import { startTestApp, testAdmin, type TestApp } from "./support/app.js";
import { basicAuth, createEvent, newSession } from "./support/fans.js";
import { json } from "./support/services.js";
import { responseMismatches } from "./support/response-check.js";

let clock = Date.now();
let t: TestApp;
let realtime: Realtime;
const sockets: Array<Socket<ServerToClientEvents, ClientToServerEvents>> = [];
const admin = basicAuth(testAdmin.username, testAdmin.password);

beforeAll(async () => {
  t = await startTestApp({ trustProxyHops: 1, botDefence: { now: () => clock, defaultMode: "auto" } });
  realtime = startRealtime(t.server, t, {
    redis: t.redis,
    adapterRedis: createRedis(t.testRedis.url, "stream"),
    eventsRedis: createRedis(t.testRedis.url, "stream"),
    redisPrefix: t.testRedis.prefix,
    trustProxyHops: 1,
    presenceGraceMs: 60_000,
    logger: createLogger("silent", "test"),
  });
});
afterEach(async () => {
  expect(await responseMismatches(t.url)).toBe(0); // every answer matched its route's schema
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await realtime.close();
  await t.close();
});

type Fan = { fanId: string; fanToken: string };

async function newEvent(settings: Record<string, unknown>): Promise<string> {
  const event = await createEvent(t.url, testAdmin, {
    name: "Bot defence",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 100 }],
    waitingRoom: { admitPerMinute: 1, maxActiveCheckouts: 1 },
  });
  const res = await fetch(`${t.url}/api/admin/events/${event.id}/bot-defence`, {
    method: "PUT",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify({ difficulty: 1_000, subnetJoinsPerMinute: 1_000, eventJoinsPerMinute: 100_000, ...settings }),
  });
  expect(res.status).toBe(200);
  return event.id;
}

async function joinRest(eventId: string, fan: Fan, body: Record<string, unknown> = {}, ip = "198.51.100.10") {
  const res = await fetch(`${t.url}/api/events/${eventId}/queue`, {
    method: "POST",
    headers: { authorization: `Bearer ${fan.fanToken}`, "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

async function inLine(eventId: string, fan: Fan): Promise<boolean> {
  const res = await fetch(`${t.url}/api/events/${eventId}/queue`, {
    headers: { authorization: `Bearer ${fan.fanToken}` },
  });
  return ((await json(res)) as { entry: unknown }).entry !== null;
}

/** Fetches the fan's challenge and solves it as the browser's worker does. */
async function solved(eventId: string, fan: Fan): Promise<string> {
  const res = await fetch(`${t.url}/api/events/${eventId}/challenge`, {
    headers: { authorization: `Bearer ${fan.fanToken}` },
  });
  expect(res.status).toBe(200);
  const c = (await res.json()) as ChallengeView;
  const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  if (!solution) throw new Error("no solution found");
  const payload = {
    algorithm: c.algorithm,
    challenge: c.challenge,
    number: solution.number,
    salt: c.salt,
    signature: c.signature,
  };
  return Buffer.from(JSON.stringify(payload)).toString("base64");
}

async function socketJoin(fan: Fan, payload: Record<string, unknown> & { eventId: string }, ip = "198.51.100.10") {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(t.url, {
    auth: { fanToken: fan.fanToken },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: { "x-forwarded-for": ip },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return (await socket.timeout(10_000).emitWithAck("queue:join", payload)) as Ack<QueueEntry>;
}

describe("join challenge, mode always", () => {
  it("refuses an unsolved REST join and socket join (challenge_required, nothing joined); a solved one joins once", async () => {
    const eventId = await newEvent({ mode: "always" });
    const fan = await newSession(t.url);
    const refused = await joinRest(eventId, fan);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("challenge_required");
    expect(refused.body.error.details.challenge).toBe(`/api/events/${eventId}/challenge`);
    const ack = await socketJoin(fan, { eventId });
    expect(ack).toMatchObject({ ok: false, error: { code: "challenge_required" } });
    expect(await inLine(eventId, fan)).toBe(false);

    const solution = await solved(eventId, fan);
    const joined = await joinRest(eventId, fan, { challenge: solution });
    expect(joined.status).toBe(200);
    expect(joined.body.entry.queueNumber).toBe(1);
    const again = await joinRest(eventId, fan, { challenge: solution });
    expect(again.status).toBe(403);
    expect(again.body.error).toMatchObject({ code: "challenge_failed", details: { reason: "replayed" } });
    // Already in line, a join without a solution changes nothing and needs none (a reconnect).
    expect((await joinRest(eventId, fan)).body.entry.queueNumber).toBe(1);
  });

  it("joins over the socket with a solved challenge, once", async () => {
    const eventId = await newEvent({ mode: "always" });
    const fan = await newSession(t.url);
    const solution = await solved(eventId, fan);
    const ack = await socketJoin(fan, { eventId, challenge: solution });
    expect(ack.ok).toBe(true);
    const replay = await socketJoin(fan, { eventId, challenge: solution });
    expect(replay).toMatchObject({ ok: false, error: { code: "challenge_failed" } });
  });

  it("refuses another fan's or event's solution, a tampered one and a stale one, and joins none of them", async () => {
    const eventId = await newEvent({ mode: "always" });
    const other = await newEvent({ mode: "always" });
    const [fan, thief] = [await newSession(t.url), await newSession(t.url)];
    const solution = await solved(eventId, fan);
    const reasons: string[] = [];
    const attempt = async (who: Fan, event: string, body: Record<string, unknown>) => {
      const res = await joinRest(event, who, body);
      expect(res.status).toBe(403);
      reasons.push(`${res.body.error.code}:${res.body.error.details?.reason}`);
    };
    await attempt(thief, eventId, { challenge: solution });
    await attempt(fan, other, { challenge: solution });
    const decoded = JSON.parse(Buffer.from(solution, "base64").toString()) as { number: number };
    const tampered = Buffer.from(JSON.stringify({ ...decoded, number: decoded.number + 1 })).toString("base64");
    await attempt(fan, eventId, { challenge: tampered });
    await attempt(fan, eventId, { challenge: "not base64 json" });
    const stale = await solved(eventId, fan);
    clock += 121_000; // past the challenge's two minutes
    try {
      await attempt(fan, eventId, { challenge: stale });
    } finally {
      clock -= 121_000;
    }
    expect(reasons).toEqual([
      "challenge_failed:wrong_fan",
      "challenge_failed:wrong_fan",
      "challenge_failed:invalid",
      "challenge_failed:invalid",
      "challenge_failed:expired",
    ]);
    expect([await inLine(eventId, fan), await inLine(eventId, thief), await inLine(other, fan)]).toEqual([
      false,
      false,
      false,
    ]);
    // None of the refusals used the first solution up: its own fan still joins with it.
    expect((await joinRest(eventId, fan, { challenge: solution })).status).toBe(200);
  });

  it("answers a too-long solution 422 and an unknown event's challenge 404", async () => {
    const eventId = await newEvent({ mode: "always" });
    const fan = await newSession(t.url);
    expect((await joinRest(eventId, fan, { challenge: "x".repeat(5_000) })).status).toBe(422);
    const res = await fetch(`${t.url}/api/events/00000000-0000-4000-8000-000000000000/challenge`, {
      headers: { authorization: `Bearer ${fan.fanToken}` },
    });
    expect(res.status).toBe(404);
  });
});

describe("join challenge, mode auto", () => {
  it("lets joins below the thresholds through; past the subnet's, that subnet must solve while another joins freely", async () => {
    const eventId = await newEvent({ mode: "auto", subnetJoinsPerMinute: 5 });
    const busy = "203.0.113.";
    const fans = await Promise.all(Array.from({ length: 7 }, () => newSession(t.url)));
    const statuses: number[] = [];
    for (const [i, fan] of fans.entries()) statuses.push((await joinRest(eventId, fan, {}, `${busy}${i + 1}`)).status);
    // Five joins from the /24 pass (negative control: nothing asked below the threshold); the sixth crosses it.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 403, 403]);
    const elsewhere = await newSession(t.url);
    expect((await joinRest(eventId, elsewhere, {}, "198.51.100.77")).status).toBe(200);
    const socketAck = await socketJoin(await newSession(t.url), { eventId }, `${busy}99`);
    expect(socketAck).toMatchObject({ ok: false, error: { code: "challenge_required" } });
    const late = fans[6] as Fan;
    expect((await joinRest(eventId, late, { challenge: await solved(eventId, late) }, `${busy}7`)).status).toBe(200);
    const view = await fetch(`${t.url}/api/admin/events/${eventId}/bot-defence`, { headers: { authorization: admin } });
    expect(await view.json()).toMatchObject({ mode: "auto", subnetJoinsPerMinute: 5, raisedForEvent: false });
  });

  it("counts joins from the server's own host towards the event's threshold only, never as one subnet", async () => {
    const eventId = await newEvent({ mode: "auto", subnetJoinsPerMinute: 2, eventJoinsPerMinute: 8 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await joinRest(eventId, await newSession(t.url), {}, i % 2 ? "127.0.0.1" : "::1")).status);
    // Past 2 a minute a real subnet would be asked (above); the host's joins pass until the event's 8.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 403, 403]);
  });

  it("raises it for everyone when all joins cross the event's threshold, and drops it after the cooldown", async () => {
    const eventId = await newEvent({ mode: "auto", eventJoinsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await joinRest(eventId, await newSession(t.url), {}, `192.0.${i}.1`)).status);
    expect(statuses).toEqual([200, 200, 200, 403, 403]);
    clock += 11 * 60_000; // the rate fell back and the cooldown is over
    try {
      expect((await joinRest(eventId, await newSession(t.url), {}, "192.0.50.1")).status).toBe(200);
    } finally {
      clock -= 11 * 60_000;
    }
  });

  it("asks nothing in mode off, however fast joins come", async () => {
    const eventId = await newEvent({ mode: "off", subnetJoinsPerMinute: 1, eventJoinsPerMinute: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await joinRest(eventId, await newSession(t.url))).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});

describe("bot defence settings", () => {
  it("gives an event without settings of its own the defaults (auto, as configured)", async () => {
    const event = await createEvent(t.url, testAdmin, {
      name: "Defaults",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1000, capacity: 10 }],
    });
    const view = await fetch(`${t.url}/api/admin/events/${event.id}/bot-defence`, {
      headers: { authorization: admin },
    });
    expect(await view.json()).toEqual({ ...botDefenceDefaults, mode: "auto", raisedForEvent: false });
    expect((await joinRest(event.id, await newSession(t.url))).status).toBe(200);
  });

  it("refuses bad settings 422 and keeps the old ones", async () => {
    const eventId = await newEvent({ mode: "always", difficulty: 2_000 });
    const res = await fetch(`${t.url}/api/admin/events/${eventId}/bot-defence`, {
      method: "PUT",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ mode: "sometimes", difficulty: 1, subnetJoinsPerMinute: 0, eventJoinsPerMinute: 1 }),
    });
    expect(res.status).toBe(422);
    const view = await fetch(`${t.url}/api/admin/events/${eventId}/bot-defence`, { headers: { authorization: admin } });
    expect(await view.json()).toMatchObject({ mode: "always", difficulty: 2_000, raisedForEvent: true });
  });
});
