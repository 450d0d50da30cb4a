// The fan's optional account, shared by the header and the account pages. The session is an
// HttpOnly cookie the client never sees; what it keeps is whether somebody is signed in and who
// (GET /api/account: 200 signed in, 204 signed out). Signing in or up also hands the
// browser the account's fan identity: `finishSignIn` adopts it and loads the next page for real, so
// nothing (an open socket) goes on with the old token. Guest checkout never needs any of this.
import type { AccountSignedInView, AccountView } from "@stampede/shared/api/accounts";
import type { Api, ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { parseUrl, type UrlParts } from "./links.js";
import { isServerPath } from "./routes.js";

export type { AccountSignedInView, AccountView };

export type AccountState =
  | { kind: "unknown" } // not asked yet
  | { kind: "checking" } // GET /api/account in flight
  | { kind: "signed_out" }
  | { kind: "signed_in"; account: AccountView }
  | { kind: "failed"; error: ApiError }; // the server could not say: the header offers Sign in

/** A 401 of an account call: there is no account session (the server says not_signed_in). */
export function isSignedOutError(error: ApiError): boolean {
  return error.status === 401;
}

export class AccountSession {
  /** Replaced whole on every change. */
  state = $state.raw<AccountState>({ kind: "unknown" });
  /** The last sign-out failure, cleared by the next attempt. */
  error = $state.raw<ApiError | null>(null);
  /** True while signing out: the button disables itself. */
  signingOut = $state(false);

  account = $derived(this.state.kind === "signed_in" ? this.state.account : null);
  email = $derived(this.state.kind === "signed_in" ? this.state.account.email : null);
  signedIn = $derived(this.state.kind === "signed_in");

  #api: Pick<Api, "get" | "post">;

  constructor(api: Pick<Api, "get" | "post">) {
    this.#api = api;
  }

  /** Asks the server who is signed in. */
  async load(): Promise<void> {
    this.state = { kind: "checking" };
    const result = await this.#api.get(endpoints.account());
    if (result.ok) this.state = result.data ? { kind: "signed_in", account: result.data } : { kind: "signed_out" };
    else if (isSignedOutError(result.error)) this.state = { kind: "signed_out" };
    else this.state = { kind: "failed", error: result.error };
  }

  /** Loads once per page: every component that needs the state calls it. */
  ensureLoaded(): void {
    if (this.state.kind === "unknown") void this.load();
  }

  /** A call answered with the account (sign-in, sign-up, a verified email). */
  signedInAs(account: AccountView): void {
    this.state = { kind: "signed_in", account };
  }

  /** Another account call answered 401: the session ended. */
  ended(): void {
    this.state = { kind: "signed_out" };
  }

  /** Ends the account session; the browser keeps its fan identity. A 401 means it already ended. */
  async signOut(): Promise<boolean> {
    if (this.signingOut) return false;
    this.signingOut = true;
    this.error = null;
    const result = await this.#api.post(endpoints.signOut());
    this.signingOut = false;
    if (!result.ok && !isSignedOutError(result.error)) {
      this.error = result.error;
      return false;
    }
    this.state = { kind: "signed_out" };
    return true;
  }
}

/** Where a fan goes after signing in or up when the link said nothing (or something unsafe). */
export const afterSignInPath = "/account";
const entryPaths = new Set(["/account/signin", "/account/signup", "/account/reset", "/account/verify"]);

/**
 * The `?next=` of a sign-in link as a same-site path to go to, or /account: never another site
 * (`//evil.example`, `https:…`, `/\evil`), never a server path (API, MockPay), never back to a
 * sign-in form. The parsed URL is what counts, so tabs and backslashes cannot smuggle a host in.
 */
export function safeNext(raw: string | null): string {
  if (raw === null || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return afterSignInPath;
  const base = "https://stampede.invalid";
  let url: UrlParts;
  try {
    url = parseUrl(raw, base);
  } catch {
    return afterSignInPath;
  }
  if (url.origin !== base || isServerPath(url.pathname) || entryPaths.has(url.pathname)) return afterSignInPath;
  return url.pathname + url.search + url.hash;
}

/** The header's "Sign in" link: back to this page afterwards (not its #fragment, which may hold a token). */
export function signInHref(current: Pick<UrlParts, "pathname" | "search">, page = "/account/signin"): string {
  const here = current.pathname + current.search;
  const next = current.pathname.startsWith("/account") ? null : here;
  return next === null || next === "/" ? page : `${page}?next=${encodeURIComponent(next)}`;
}

export interface SignInDeps {
  fanSession: { adopt(view: { fanId: string; fanToken: string }): void };
  account: Pick<AccountSession, "signedInAs">;
  /** A real page load (main.ts: location.assign), so every socket starts over with the new token. */
  loadPage(url: string): void;
}

/** Signed in or up: this browser is now the account's fan; go on to `next` with a fresh page. */
export function finishSignIn(deps: SignInDeps, done: AccountSignedInView, next: string): void {
  deps.fanSession.adopt({ fanId: done.fanId, fanToken: done.fanToken });
  deps.account.signedInAs(done.account);
  deps.loadPage(next);
}
