// Goal: the sign-in and sign-up forms check what they can before sending, send the trimmed email,
// and put each server answer where the fan looks: 401 "Wrong email or password", 429 "wait N s"
// from Retry-After, 409 email_taken with the sign-in offer, 422 under the named fields.
import { describe, expect, it } from "vitest";
import { accountPasswordLength } from "@stampede/shared/api/accounts";
import { createApi } from "./api.js";
import { accountPasswordMinLength, checkCredentials, CredentialsForm } from "./account-forms.svelte.js";
import { apiError, fakeFetch, json } from "./test-support.js";

const signedIn = {
  account: { email: "fan@example.com", verified: false, fanId: "f1" },
  fanId: "f1",
  fanToken: "t1",
};

function form(mode: "signin" | "signup", answer: () => Response) {
  const fetch = fakeFetch(answer);
  const f = new CredentialsForm(mode, createApi({ fetch, nowMs: () => 0 }));
  f.email = " Fan@Example.com ";
  f.password = "correct horse battery";
  return { f, fetch };
}

describe("the credentials forms", () => {
  it("use the shared password minimum", () => {
    expect(accountPasswordMinLength).toBe(accountPasswordLength.min);
  });

  it("check the fields before sending: sign-up wants a long enough password, sign-in any", () => {
    expect(checkCredentials("signup", "", "")).toEqual({ email: "Required.", password: "Required." });
    expect(checkCredentials("signup", "fan", "short")).toEqual({
      email: "Not an email address.",
      password: "At least 10 characters.",
    });
    expect(checkCredentials("signin", "fan@example.com", "short")).toEqual({});
  });

  it("sends nothing when a field is wrong", async () => {
    const { f, fetch } = form("signup", () => json(201, signedIn));
    f.password = "short";
    expect(await f.submit()).toBeNull();
    expect(fetch.calls).toEqual([]);
    expect([f.errors.password, f.alert]).toEqual(["At least 10 characters.", "Please check the fields below."]);
  });

  it("signs up with the trimmed email and answers the signed-in view", async () => {
    const { f, fetch } = form("signup", () => json(201, signedIn));
    expect(await f.submit()).toEqual(signedIn);
    expect(fetch.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ["POST", "/api/account/signup", { email: "Fan@Example.com", password: "correct horse battery" }],
    ]);
    expect([f.alert, f.submitting]).toEqual([null, false]);
  });

  it("says a wrong email or password in one alert, and empties the password", async () => {
    const { f, fetch } = form("signin", () => apiError(401, "invalid_credentials"));
    expect(await f.submit()).toBeNull();
    expect(fetch.calls[0]?.path).toBe("/api/account/signin");
    expect([f.alert, f.password, f.errors]).toEqual(["Wrong email or password.", "", {}]);
  });

  it("says how long to wait after too many tries", async () => {
    const { f } = form("signin", () => apiError(429, "rate_limited", "slow down", { "Retry-After": "30" }));
    await f.submit();
    expect(f.alert).toBe("Too many tries: wait 30 s.");
  });

  it("offers to sign in when the email has an account", async () => {
    const { f } = form("signup", () => apiError(409, "email_taken"));
    await f.submit();
    expect([f.emailTaken, f.alert]).toEqual([true, "An account with this email already exists."]);
    const again = form("signup", () => json(201, signedIn)).f;
    await again.submit();
    expect(again.emailTaken).toBe(false);
  });

  it("puts a 422's issues under their fields", async () => {
    const { f } = form("signin", () =>
      json(422, {
        error: {
          code: "invalid_request",
          message: "body.password: Too small: expected string to have >=10 characters",
          details: {
            issues: [
              { field: "body.password", message: "Too small: expected string to have >=10 characters" },
              { field: "body.email", message: "Invalid email address" },
            ],
          },
        },
      }),
    );
    await f.submit();
    expect(f.errors).toEqual({ password: "At least 10 characters.", email: "Not an email address." });
    expect(f.alert).toBe("Please check the fields below.");
  });
});
