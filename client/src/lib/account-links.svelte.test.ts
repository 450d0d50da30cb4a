// Goal: the emailed links' pages. Verify confirms once and says an invalid link plainly (400, or a
// token the server can't even read); reset asks for a link (202, no body) and, with the link's
// token, sets the new password and answers the signed-in view, or says the link is not valid.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { EmailVerification, linkToken, PasswordReset } from "./account-links.svelte.js";
import { apiError, fakeFetch, json } from "./test-support.js";

const me = { email: "fan@example.com", verified: true, fanId: "f1" };
const token = "k".repeat(43);
const api = (answer: () => Response) => {
  const fetch = fakeFetch(answer);
  return { api: createApi({ fetch }), fetch };
};

describe("linkToken", () => {
  it("reads #token= and nothing else", () => {
    expect(linkToken(`#token=${token}`)).toBe(token);
    expect(linkToken("#token=")).toBeNull();
    expect(linkToken("")).toBeNull();
  });
});

describe("EmailVerification", () => {
  it("posts the token and answers the verified account", async () => {
    const { api: a, fetch } = api(() => json(200, me));
    const v = new EmailVerification(a);
    expect(await v.verify(token)).toEqual(me);
    expect(v.state).toEqual({ kind: "verified", account: me });
    expect(fetch.calls.map((c) => [c.path, c.body])).toEqual([["/api/account/verify", { token }]]);
  });

  it("says the link is not valid on 400 invalid_link, on a token the server refuses to read, and with no token", async () => {
    for (const answer of [
      () => apiError(400, "invalid_link"),
      () =>
        json(422, {
          error: {
            code: "invalid_request",
            message: "body.token: Too small",
            details: { issues: [{ field: "body.token", message: "Too small" }] },
          },
        }),
    ]) {
      const v = new EmailVerification(api(answer).api);
      expect(await v.verify(token)).toBeNull();
      expect(v.state.kind).toBe("invalid_link");
    }
    const { api: a, fetch } = api(() => json(200, me));
    const none = new EmailVerification(a);
    await none.verify(null);
    expect([none.state.kind, fetch.calls.length]).toEqual(["invalid_link", 0]);
  });

  it("keeps other failures apart, in plain words", async () => {
    const v = new EmailVerification(api(() => apiError(503, "not_ready")).api);
    await v.verify(token);
    expect(v.state).toMatchObject({ kind: "failed", message: expect.stringContaining("starting up") });
  });
});

describe("PasswordReset", () => {
  it("asks for a link with the trimmed email (202, no body) and says it was sent", async () => {
    const { api: a, fetch } = api(() => new Response(null, { status: 202 }));
    const r = new PasswordReset(a);
    r.email = " fan@example.com ";
    expect(await r.requestLink()).toBe(true);
    expect(r.sent).toBe(true);
    expect(fetch.calls.map((c) => [c.path, c.body])).toEqual([
      ["/api/account/password-reset", { email: "fan@example.com" }],
    ]);
  });

  it("checks the email and the new password before sending", async () => {
    const { api: a, fetch } = api(() => json(200, {}));
    const r = new PasswordReset(a);
    expect(await r.requestLink()).toBe(false);
    expect(r.errors).toEqual({ email: "Required." });
    r.password = "short";
    expect(await r.setPassword(token)).toBeNull();
    expect(r.errors).toEqual({ password: "At least 10 characters." });
    expect(fetch.calls).toEqual([]);
  });

  it("sets the new password with the token and answers the signed-in view", async () => {
    const done = { account: me, fanId: "f1", fanToken: "t1" };
    const { api: a, fetch } = api(() => json(200, done));
    const r = new PasswordReset(a);
    r.password = "a new long password";
    expect(await r.setPassword(token)).toEqual(done);
    expect(fetch.calls.map((c) => [c.path, c.body])).toEqual([
      ["/api/account/password", { token, password: "a new long password" }],
    ]);
  });

  it("says the link is not valid any more on 400 and offers a new one", async () => {
    const r = new PasswordReset(api(() => apiError(400, "invalid_link")).api);
    r.password = "a new long password";
    expect(await r.setPassword(token)).toBeNull();
    expect([r.invalidLink, r.alert]).toEqual([true, "This link is not valid any more."]);
  });
});
