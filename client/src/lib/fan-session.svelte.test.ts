// Goal: a page open starts one fan session (concurrent callers share the call), keeps its token
// for the socket and the REST calls, and renewal asks the server for a fresh one.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { FanSession } from "./fan-session.svelte.js";
import { memoryStorage } from "./storage.js";
import { apiError, fakeFetch, json } from "./test-support.js";

describe("FanSession", () => {
  it("ensure() posts /api/session once, shares the call, and keeps the token", async () => {
    const fetch = fakeFetch(() => json(201, { fanId: "f1", fanToken: "t1" }));
    const storage = memoryStorage();
    const session = new FanSession(createApi({ fetch }), storage);
    const [a, b] = await Promise.all([session.ensure(), session.ensure()]);
    expect(a).toEqual({ ok: true, data: { fanId: "f1", fanToken: "t1" } });
    expect(b).toEqual(a);
    expect(await session.ensure()).toEqual(a);
    expect(fetch.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/session"]);
    expect(fetch.calls[0]?.credentials).toBe("same-origin");
    expect(session.token).toBe("t1");
    expect(new FanSession(createApi({ fetch }), storage).rememberedFanId()).toBe("f1");
  });

  it("renew() asks again and replaces the token", async () => {
    let n = 0;
    const session = new FanSession(
      createApi({ fetch: fakeFetch(() => json(201, { fanId: `f${++n}`, fanToken: `t${n}` })) }),
      null,
    );
    await session.ensure();
    await session.renew();
    expect(session.token).toBe("t2");
  });

  it("fails with the error, and an answer without a token counts as a bad response", async () => {
    const down = new FanSession(createApi({ fetch: fakeFetch(() => apiError(503, "not_ready")) }), null);
    expect(await down.ensure()).toMatchObject({ ok: false, error: { code: "not_ready" } });
    expect(down.state.kind).toBe("failed");
    const odd = new FanSession(createApi({ fetch: fakeFetch(() => json(200, { fanId: "f" })) }), null);
    expect(await odd.ensure()).toMatchObject({ ok: false, error: { code: "bad_response" } });
    expect(odd.rememberedFanId()).toBeNull();
  });
});

describe("FanSession.adopt", () => {
  it("replaces the session at once, in memory and sessionStorage", async () => {
    const storage = memoryStorage();
    const session = new FanSession(
      createApi({ fetch: fakeFetch(() => json(201, { fanId: "g", fanToken: "tg" })) }),
      storage,
    );
    await session.ensure();
    session.adopt({ fanId: "acct", fanToken: "ta" });
    expect([session.fanId, session.token]).toEqual(["acct", "ta"]);
    expect(new FanSession(createApi({ fetch: fakeFetch(() => json(500, {})) }), storage).rememberedFanId()).toBe(
      "acct",
    );
    expect(await session.ensure()).toEqual({ ok: true, data: { fanId: "acct", fanToken: "ta" } });
  });

  it("wins over a session call still in flight", async () => {
    let answer: (r: Response) => void = () => undefined;
    const fetch = fakeFetch(() => new Promise<Response>((resolve) => (answer = resolve)));
    const session = new FanSession(createApi({ fetch }), null);
    const started = session.ensure();
    await Promise.resolve();
    session.adopt({ fanId: "acct", fanToken: "ta" });
    answer(json(201, { fanId: "guest", fanToken: "tg" }));
    expect(await started).toEqual({ ok: true, data: { fanId: "acct", fanToken: "ta" } });
    expect(session.token).toBe("ta");
  });
});
