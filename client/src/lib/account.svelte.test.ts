// Goal: the header's account state follows GET /api/account (200 signed in, 204 signed out, else
// "couldn't say"), sign-out ends it (a 401 too: it had already ended), a sign-in hands the browser
// the account's fan identity before the real page load, and `?next=` never leaves the site.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { AccountSession, finishSignIn, safeNext, signInHref } from "./account.svelte.js";
import { FanSession } from "./fan-session.svelte.js";
import { matchRoute } from "./routes.js";
import { memoryStorage, storageKeys } from "./storage.js";
import { apiError, fakeFetch, json } from "./test-support.js";

const me = { email: "fan@example.com", verified: false, fanId: "f-account" };

describe("AccountSession", () => {
  it("is signed in on 200, signed out on 204 (or a 401 not_signed_in), failed on anything else", async () => {
    const signedIn = new AccountSession(createApi({ fetch: fakeFetch(() => json(200, me)) }));
    await signedIn.load();
    expect([signedIn.signedIn, signedIn.email]).toEqual([true, "fan@example.com"]);

    const nobody = new AccountSession(createApi({ fetch: fakeFetch(() => new Response(null, { status: 204 })) }));
    await nobody.load();
    expect([nobody.state.kind, nobody.email]).toEqual(["signed_out", null]);

    const out = new AccountSession(createApi({ fetch: fakeFetch(() => apiError(401, "not_signed_in")) }));
    await out.load();
    expect([out.state.kind, out.email]).toEqual(["signed_out", null]);

    const down = new AccountSession(createApi({ fetch: fakeFetch(() => apiError(503, "not_ready")) }));
    await down.load();
    expect(down.state).toMatchObject({ kind: "failed", error: { code: "not_ready" } });
  });

  it("loads once however many components ask", async () => {
    const fetch = fakeFetch(() => json(200, me));
    const account = new AccountSession(createApi({ fetch }));
    account.ensureLoaded();
    account.ensureLoaded();
    await Promise.resolve();
    expect(fetch.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["GET /api/account"]);
  });

  it("signs out with POST /api/account/signout; a 401 means it had already ended", async () => {
    for (const answer of [() => new Response(null, { status: 204 }), () => apiError(401, "not_signed_in")]) {
      const fetch = fakeFetch(answer);
      const account = new AccountSession(createApi({ fetch }));
      account.signedInAs(me);
      expect(await account.signOut()).toBe(true);
      expect(account.state.kind).toBe("signed_out");
      expect(fetch.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/account/signout"]);
    }
  });

  it("stays signed in with the error when sign-out fails", async () => {
    const account = new AccountSession(createApi({ fetch: fakeFetch(() => apiError(503, "not_ready")) }));
    account.signedInAs(me);
    expect(await account.signOut()).toBe(false);
    expect([account.signedIn, account.error?.code, account.signingOut]).toEqual([true, "not_ready", false]);
  });
});

describe("finishSignIn", () => {
  it("adopts the account's fan identity (memory and sessionStorage), then loads the next page", () => {
    const storage = memoryStorage();
    const fanSession = new FanSession(createApi({ fetch: fakeFetch(() => json(201, {})) }), storage);
    const account = new AccountSession(createApi({ fetch: fakeFetch(() => json(200, me)) }));
    const loaded: string[] = [];
    let tokenWhenLoaded: string | null = null;
    const loadPage = (url: string): void => {
      tokenWhenLoaded = fanSession.token;
      loaded.push(url);
    };
    finishSignIn(
      { fanSession, account, loadPage },
      { account: me, fanId: "f-account", fanToken: "t-account" },
      "/events/e1",
    );
    expect(loaded).toEqual(["/events/e1"]);
    expect(tokenWhenLoaded).toBe("t-account");
    expect(account.email).toBe("fan@example.com");
    expect(JSON.parse(storage.getItem(storageKeys.fanSession) ?? "null")).toEqual({
      fanId: "f-account",
      fanToken: "t-account",
    });
  });
});

describe("safeNext", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeNext("/events/e1")).toBe("/events/e1");
    expect(safeNext("/events/e1/lottery?x=1#top")).toBe("/events/e1/lottery?x=1#top");
    expect(safeNext("/orders/o1")).toBe("/orders/o1");
  });

  it("sends everything else to My tickets", () => {
    for (const raw of [
      null,
      "",
      "events/e1",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "/api/account",
      "/mockpay/checkout/1",
      "/account/signin?next=/x",
      "/account/signup",
    ]) {
      expect(safeNext(raw), String(raw)).toBe("/account");
    }
  });
});

describe("signInHref", () => {
  it("comes back to the page the fan was on, not to its #fragment", () => {
    expect(signInHref({ pathname: "/events/e1", search: "?a=1" })).toBe("/account/signin?next=%2Fevents%2Fe1%3Fa%3D1");
    expect(signInHref({ pathname: "/", search: "" })).toBe("/account/signin");
    expect(signInHref({ pathname: "/account/signup", search: "?next=%2Fx" })).toBe("/account/signin");
  });
});

describe("the account routes", () => {
  it("are pages of one route, by their path", () => {
    expect(matchRoute("/account")).toEqual({ name: "account", page: "tickets" });
    expect(matchRoute("/account/signin")).toEqual({ name: "account", page: "signin" });
    expect(matchRoute("/account/signup")).toEqual({ name: "account", page: "signup" });
    expect(matchRoute("/account/verify")).toEqual({ name: "account", page: "verify" });
    expect(matchRoute("/account/reset")).toEqual({ name: "account", page: "reset" });
  });
});
