// Goal (R17): a bot on one address cannot mint sessions or joins past the per-IP limits, however
// it dresses its requests, and fans on other addresses do not notice it. One IP (127.0.0.1) makes
// 1,000 session attempts, half of them with a made-up X-Forwarded-For: exactly the limit succeeds,
// every other answer is 429 rate_limited with Retry-After. Its sessions then hammer the REST join
// until the per-IP join limit answers 429. Meanwhile a fan on another address (127.0.0.2) gets a
// session and a number (REST and socket), and a session the bot made before keeps working.
// The control: behind a node that trusts one proxy hop the same made-up X-Forwarded-For does pick
// distinct clients — so on the default node (no proxy trusted) it is the guard that holds.
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { connectFan, createEvent } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const sessionLimit = 30;
const joinLimit = 100;
const served = useStack({
  SESSION_LIMIT_PER_IP_PER_MINUTE: String(sessionLimit),
  JOIN_LIMIT_PER_IP_PER_MINUTE: String(joinLimit),
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { fanId?: string; fanToken?: string; error?: { code: string }; entry?: { queueNumber: number | null } };
}

interface SendOptions {
  /** The local address to send from (the loopback network is all of 127.0.0.0/8). */
  from?: string;
  headers?: Record<string, string>;
}

function send(url: string, path: string, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", localAddress: options.from ?? "127.0.0.1", headers: options.headers },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => {
          const body = text ? (JSON.parse(text) as Answer["body"]) : {};
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests, `parallel` at a time. */
async function flood(count: number, parallel: number, one: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) => one(i + j));
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

const spoofed = (i: number) => ({ "x-forwarded-for": `198.51.100.${i % 250}, 203.0.113.${(i * 7) % 250}` });
const bearer = (a: Answer) => ({ authorization: `Bearer ${a.body.fanToken}` });
const succeeded = (answers: Answer[]) => answers.filter((a) => a.status === 200 || a.status === 201);
const refused = (answers: Answer[]) => answers.filter((a) => a.status !== 200 && a.status !== 201);
const properly429 = (a: Answer) =>
  a.status === 429 && a.body.error?.code === "rate_limited" && Number(a.retryAfter) > 0;

/** The fan on the other address joins on the socket (from that address too) and gets the number REST gave. */
async function socketJoinFrom(address: string, fanToken: string, eventId: string): Promise<number | undefined> {
  // localAddress reaches the websocket (engine.io-client passes it to ws) but is not in the client's types.
  const options = {
    auth: { fanToken },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    localAddress: address,
  };
  const socket = served.closeAfter(io(served.url, options));
  const ack = (await socket.timeout(10_000).emitWithAck("queue:join", { eventId })) as {
    ok: boolean;
    data?: { queueNumber: number };
  };
  return ack.data?.queueNumber;
}

describe("bots on one address", () => {
  it("get exactly the per-IP session and join limits, with 429 + Retry-After, while other fans are served", async () => {
    const earlier = await send(served.url, "/api/session");
    expect(earlier.status).toBe(201);
    const attempts = await flood(999, 25, (i) =>
      send(served.url, "/api/session", { headers: i % 2 ? spoofed(i) : {} }),
    );
    const made = succeeded(attempts);
    expect([made.length, refused(attempts).length]).toEqual([sessionLimit - 1, 1_000 - sessionLimit]);
    expect(refused(attempts).every(properly429)).toBe(true);

    // A fan on another address is not held back by the bot's limit.
    const fan = await send(served.url, "/api/session", { from: "127.0.0.2" });
    expect(fan.status).toBe(201);
    // The bot's earlier session still works (a limit stops new sessions, not existing fans).
    expect((await send(served.url, "/api/session", { headers: bearer(earlier) })).status).toBe(200);

    // The bot's sessions hammer the join: the per-IP limit stops them, wherever they claim to be.
    const classes = [{ code: "GA", name: "General", priceCents: 100, capacity: 10 }];
    const event = await createEvent(served.url, stackAdmin, { name: "Bots", status: "on_sale", classes });
    const bots = [earlier, ...made].map(bearer);
    const join = (headers: Record<string, string>, from?: string) =>
      send(served.url, `/api/events/${event.id}/queue`, { headers, from });
    const joins = await flood(bots.length * 5, 25, (i) => join({ ...bots[i % bots.length], ...spoofed(i) }));
    expect(succeeded(joins)).toHaveLength(joinLimit);
    expect(refused(joins).every(properly429)).toBe(true);
    // The fan on the other address joins, by REST and on the socket.
    const rest = await join(bearer(fan), "127.0.0.2");
    expect(rest.status).toBe(200);
    expect(await socketJoinFrom("127.0.0.2", fan.body.fanToken!, event.id)).toBe(rest.body.entry?.queueNumber);
    // The control: the bot's address is out of joins on the socket too.
    const botSocket = served.closeAfter(
      await connectFan(served.url, { fanId: "bot", fanToken: earlier.body.fanToken! }),
    );
    expect(await botSocket.join(event.id)).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  }, 90_000);

  it("(control) behind a trusted proxy hop, X-Forwarded-For does name distinct clients", async () => {
    const proxied = await served.stack.addServer({ TRUST_PROXY_HOPS: "1" });
    const session = (forwardedFor: string) =>
      send(proxied.url, "/api/session", { headers: { "x-forwarded-for": forwardedFor } });
    const distinct = await flood(2 * sessionLimit, 20, (i) => session(`192.0.2.${i}`));
    expect(succeeded(distinct)).toHaveLength(2 * sessionLimit);
    // …and one client behind it is still limited.
    const same = await flood(sessionLimit + 5, 20, () => session("192.0.2.250"));
    expect(succeeded(same)).toHaveLength(sessionLimit);
  }, 60_000);
});
