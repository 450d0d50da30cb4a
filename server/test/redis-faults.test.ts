// Goal (R11, the faults faults.test.ts does not make): a Redis that stops answering — connections
// open, nothing coming back (a partition), or every connection reset and new ones refused — makes
// the hold and join APIs answer at once with 503 not_ready and Retry-After (a socket join: an ack
// with not_ready), not hang or call it a bug; nothing is held meanwhile, and all works again once
// Redis answers. The server's Redis connections run through a TCP proxy to the shared Redis (which
// is never stopped); the stack's own prefix isolates the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admittedFan,
  gaSale,
  holdBody,
  postAsFan,
  stockOf,
  type AdmittedFan,
  type TimedAnswer,
} from "./support/checkout.js";
import { connectFan, newSession, waitFor, type TestFan } from "./support/fans.js";
import { testRedisUrl } from "./support/services.js";
import { startStack, type TestStack } from "./support/stack.js";
import { startTcpProxy, viaProxy, type ProxyMode, type TcpProxy } from "./support/tcp-proxy.js";

let setup: { url: string; proxy: TcpProxy; stack: TestStack } | undefined;
const toClose: TestFan[] = [];

beforeAll(async () => {
  const shared = new URL(testRedisUrl);
  const proxy = await startTcpProxy({ upstreamHost: shared.hostname, upstreamPort: Number(shared.port || 6379) });
  const stack = await startStack();
  setup = { url: "", proxy, stack };
  setup.url = (await stack.addServer({ REDIS_URL: viaProxy(testRedisUrl, proxy) })).url;
}, 120_000);

afterAll(async () => {
  toClose.forEach((f) => f.close());
  await setup?.proxy.close(); // first: a blackholed connection must not hold the server's shutdown up
  await setup?.stack.close();
});

function ready(): { url: string; proxy: TcpProxy } {
  if (!setup?.url) throw new Error("setup failed: the stack did not start");
  return setup;
}

type Answer = TimedAnswer;

const post = (path: string, fanToken: string, body: unknown): Promise<Answer> =>
  postAsFan(ready().url, path, fanToken, body);

const holdTwo = (fan: AdmittedFan, eventId: string, classId: string) =>
  post(`/api/events/${eventId}/holds`, fan.fanToken, holdBody(fan, classId, 2));

function expectNotReady(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.body.error?.code).toBe("not_ready");
  expect(answer.retryAfterS).toBeGreaterThanOrEqual(1);
}

/** An admitted fan (to hold), a fan with only a session (to join over HTTP) and one with a socket (to join over it). */
async function saleAndFans(name: string) {
  const { url } = ready();
  const { eventId, classId } = await gaSale(url, name);
  const holder = await admittedFan(url, eventId);
  const joiner = await newSession(url);
  const socketJoiner = await connectFan(url);
  toClose.push(holder, socketJoiner);
  return { eventId, classId, holder, joiner, socketJoiner };
}

async function whileRedisFails(mode: ProxyMode, name: string): Promise<void> {
  const { url, proxy } = ready();
  const { eventId, classId, holder, joiner, socketJoiner } = await saleAndFans(name);
  proxy.setMode(mode);
  if (mode === "refuse") expect(proxy.reset()).toBeGreaterThan(0);
  try {
    expectNotReady(await holdTwo(holder, eventId, classId));
    expectNotReady(await post(`/api/events/${eventId}/queue`, joiner.fanToken, {}));
    const ack = await socketJoiner.join(eventId);
    expect(ack).toMatchObject({ ok: false, error: { code: "not_ready" } });
  } finally {
    proxy.setMode("pass");
  }
  expect((await stockOf(url, eventId))[0]).toMatchObject({ held: 0, sold: 0 });
  // Redis answers again: the same fans get on, without a restart.
  await waitFor("ready again", async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : null), 30_000);
  expect((await holdTwo(holder, eventId, classId)).status).toBe(201);
  expect((await post(`/api/events/${eventId}/queue`, joiner.fanToken, {})).status).toBe(200);
  expect(await socketJoiner.join(eventId)).toMatchObject({ ok: true });
}

describe("a server whose Redis stops answering", () => {
  it("blackhole (connections open, nothing back): hold and join answer 503 not_ready at once; all recovers", async () => {
    await whileRedisFails("blackhole", "Redis blackhole");
  }, 120_000);

  it("every connection reset and new ones refused: hold and join answer 503 not_ready at once; all recovers", async () => {
    await whileRedisFails("refuse", "Redis refused");
  }, 120_000);
});
