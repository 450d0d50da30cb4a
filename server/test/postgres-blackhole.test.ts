// Goal (R12, the fault postgres-restart.test.ts does not make): PostgreSQL partitioned away —
// connections open, nothing coming back, so no error and no statement_timeout ever arrives. The
// hold API still answers (503 not_ready / ledger_unavailable with Retry-After) instead of hanging,
// and so does a join (over HTTP and the socket: at once from the cache, or not_ready), nothing is
// held, and everything works again once the network heals. The server's database connections run through a TCP proxy to the shared
// PostgreSQL (which is never stopped); the stack's own database isolates the test.
import { afterAll, beforeAll, expect, it } from "vitest";
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
import { testPostgresBase } from "./support/services.js";
import { startStack, type TestStack } from "./support/stack.js";
import { startTcpProxy, viaProxy, type TcpProxy } from "./support/tcp-proxy.js";

let setup: { url: string; proxy: TcpProxy; stack: TestStack } | undefined;
const toClose: TestFan[] = [];

beforeAll(async () => {
  const shared = new URL(testPostgresBase);
  const proxy = await startTcpProxy({ upstreamHost: shared.hostname, upstreamPort: Number(shared.port || 5432) });
  const stack = await startStack();
  setup = { url: "", proxy, stack };
  setup.url = (await stack.addServer({ DATABASE_URL: viaProxy(stack.db.url, proxy) })).url;
}, 120_000);

afterAll(async () => {
  toClose.forEach((f) => f.close());
  await setup?.proxy.close();
  await setup?.stack.close();
});

function ready(): { url: string; proxy: TcpProxy } {
  if (!setup?.url) throw new Error("setup failed: the stack did not start");
  return setup;
}

type Answer = TimedAnswer;

const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  postAsFan(ready().url, path, token, body, headers);

function expectUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(["not_ready", "ledger_unavailable"]).toContain(answer.body.error?.code);
  expect(answer.retryAfterS).toBeGreaterThanOrEqual(1);
}

it("PostgreSQL blackholed: holds (with and without a key) answer 503, joins answer too, nothing is held; all recovers", async () => {
  const { url, proxy } = ready();
  const { eventId, classId } = await gaSale(url, "PostgreSQL blackhole");
  const fans: AdmittedFan[] = [await admittedFan(url, eventId), await admittedFan(url, eventId)];
  const joiner = await newSession(url);
  const socketJoiner = await connectFan(url);
  toClose.push(...fans, socketJoiner);
  const hold = (fan: AdmittedFan, headers: Record<string, string> = {}) =>
    post(`/api/events/${eventId}/holds`, fan.fanToken, holdBody(fan, classId, 2), headers);

  proxy.setMode("blackhole");
  try {
    const [keyed, unkeyed, joined] = await Promise.all([
      hold(fans[0]!, { "idempotency-key": "pg-bh-1" }),
      hold(fans[1]!),
      post(`/api/events/${eventId}/queue`, joiner.fanToken, {}),
    ]);
    expectUnavailable(keyed);
    expectUnavailable(unkeyed);
    // A join needs the database only when the event is not in its cache: it answers, either way.
    expect([200, 503]).toContain(joined.status);
    if (joined.status === 503) expectUnavailable(joined);
    // Over the socket too (waiting as long as the HTTP client does: a read may wait out the pool's query timeout).
    const ack = await socketJoiner.socket.timeout(30_000).emitWithAck("queue:join", { eventId: eventId });
    if (!ack.ok) expect(ack.error.code).toBe("not_ready");
  } finally {
    proxy.setMode("pass");
  }
  await waitFor("ready again", async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : null), 30_000);
  expect((await stockOf(url, eventId))[0]).toMatchObject({ held: 0, sold: 0 });
  const retried = await waitFor(
    "the keyed hold placed",
    async () => {
      const answer = await hold(fans[0]!, { "idempotency-key": "pg-bh-1" });
      return answer.status === 503 || answer.body.error?.code === "request_in_progress" ? null : answer;
    },
    60_000,
  );
  expect(retried.status).toBe(201);
  expect((await hold(fans[1]!)).status).toBe(201);
  expect((await post(`/api/events/${eventId}/queue`, joiner.fanToken, {})).status).toBe(200);
  await waitFor("4 held", async () => ((await stockOf(url, eventId))[0]!.held === 4 ? true : null));
}, 180_000);
