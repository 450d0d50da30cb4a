// Fan accounts over HTTP: sign up, sign in, sign out, "who am I", "My tickets" and the emailed
// links (verify the address, reset the password). The account cookie is HttpOnly and SameSite=Lax
// (a cross-site form cannot post with it); signing up or in also sets the fan cookie to the
// account's fan identity and answers with its token, which the browser uses from then on, on every
// device.
import { Router, type Request, type Response } from "express";
import { parse as parseCookies } from "cookie";
import {
  accountCredentialsInput,
  accountLinkInput,
  passwordResetInput,
  passwordResetRequestInput,
  accountOrdersView,
  accountSignedInView,
  accountView as accountViewSchema,
  type AccountOrdersView,
  type AccountSignedInView,
} from "@stampede/shared/api/accounts";
import { HttpError } from "../errors.js";
import { clientIp } from "../client-address.js";
import type { OpenApiRegistry } from "../openapi.js";
import { defineRoute } from "../route.js";
import { fanIdFrom } from "../guards/fan.js";
import { setFanCookie } from "./fan-session.js";
import {
  accountSessionTtlSeconds,
  accountView,
  emailKey,
  type Accounts,
  type SignedIn,
} from "../../services/accounts/accounts.js";
import type { TokenService } from "../../services/fans/tokens.js";

export const accountCookieName = "stampede_account";

export interface AccountRoutesDeps {
  accounts: Accounts;
  tokens: TokenService;
  /** "My tickets": the account's orders, newest first, with their order tokens (OrdersRepo.listForAccount). */
  ordersOf(owner: { fanIds: string[]; verifiedEmail: string | null }): Promise<AccountOrdersView["orders"]>;
  secureCookies: boolean;
}

const tags = ["accounts"];
/** The account session id the request's cookie carries, if any. */
export const sessionOf = (req: Request): string | undefined =>
  parseCookies(req.headers.cookie ?? "")[accountCookieName];

/** Sets both cookies and answers with the account and the fan session the browser now uses. */
async function signedIn(deps: AccountRoutesDeps, res: Response, done: SignedIn): Promise<AccountSignedInView> {
  res.cookie(accountCookieName, done.sessionId, {
    httpOnly: true,
    sameSite: "lax",
    secure: deps.secureCookies,
    path: "/",
    maxAge: accountSessionTtlSeconds * 1000,
  });
  const fanToken = await deps.tokens.signFan(done.account.fanId);
  setFanCookie(res, fanToken, deps.secureCookies);
  res.setHeader("Cache-Control", "no-store");
  return { account: accountView(done.account), fanId: done.account.fanId, fanToken };
}

async function signedInAccount(deps: AccountRoutesDeps, req: Request) {
  const account = await deps.accounts.fromSession(sessionOf(req));
  if (!account) throw new HttpError(401, "not_signed_in", "sign in first (POST /api/account/signin)");
  return account;
}

export function accountRoutes(deps: AccountRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  signInRoutes(router, registry, deps);
  sessionRoutes(router, registry, deps);
  linkRoutes(router, registry, deps);
  return router;
}

/** The emailed links: verify the address; ask for a reset link; set a new password with one. */
function linkRoutes(router: Router, registry: OpenApiRegistry, deps: AccountRoutesDeps): void {
  const invalid = { 400: { description: "invalid_link: used, expired or mistyped" } };
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/verify",
      summary: "Verify the account's email with the emailed link's token",
      tags,
      body: accountLinkInput,
      responses: { 200: { description: "verified", schema: accountViewSchema }, ...invalid },
    },
    async ({ body }) => accountView(await deps.accounts.verify(body.token)),
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/password-reset",
      summary: "Email a password reset link (the same answer whether or not the address has an account)",
      tags,
      body: passwordResetRequestInput,
      responses: { 202: { description: "if an account has this address, a link is on its way" } },
    },
    async ({ body }, _req, res) => {
      await deps.accounts.requestReset(body.email);
      res.status(202).end();
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/password",
      summary: "Set a new password with the emailed reset link's token; ends every other session and signs in",
      tags,
      body: passwordResetInput,
      responses: { 200: { description: "signed in", schema: accountSignedInView }, ...invalid },
    },
    async ({ body }, _req, res) => signedIn(deps, res, await deps.accounts.resetPassword(body.token, body.password)),
  );
}

function signInRoutes(router: Router, registry: OpenApiRegistry, deps: AccountRoutesDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/signup",
      summary: "Create an account and sign in; this browser's fan id becomes the account's",
      tags,
      body: accountCredentialsInput,
      responses: {
        201: { description: "signed up and in", schema: accountSignedInView },
        409: { description: "email_taken" },
      },
    },
    async ({ body }, req, res) => {
      const done = await deps.accounts.signUp(body, await fanIdFrom(deps.tokens, req));
      res.status(201);
      return signedIn(deps, res, done);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/signin",
      summary: "Sign in (slowed after wrong passwords); this browser takes the account's fan identity",
      tags,
      body: accountCredentialsInput,
      responses: {
        200: { description: "signed in", schema: accountSignedInView },
        401: { description: "invalid_credentials" },
        429: { description: "rate_limited: wait Retry-After seconds" },
      },
    },
    async ({ body }, req, res) =>
      signedIn(deps, res, await deps.accounts.signIn(clientIp(req), body, await fanIdFrom(deps.tokens, req))),
  );
}

function sessionRoutes(router: Router, registry: OpenApiRegistry, deps: AccountRoutesDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/account/signout",
      summary: "Sign out (ends the session; the browser keeps its fan identity)",
      tags,
      responses: { 204: { description: "signed out" } },
    },
    async (_input, req, res) => {
      await deps.accounts.signOut(sessionOf(req));
      res.clearCookie(accountCookieName, { path: "/" });
      res.status(204).end();
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/account",
      summary: "The signed-in account; 204 when nobody is (every page's header asks, so not an error)",
      tags,
      responses: {
        200: { description: "the account", schema: accountViewSchema },
        204: { description: "not signed in" },
      },
    },
    async (_input, req, res) => {
      res.setHeader("Cache-Control", "no-store");
      const account = await deps.accounts.fromSession(sessionOf(req));
      if (!account) return void res.status(204).end();
      return accountView(account);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/account/orders",
      summary:
        "My tickets: every order of the account (any event, any device it signed in on, and once verified its address's guest orders)",
      tags,
      responses: {
        200: { description: "the orders", schema: accountOrdersView },
        401: { description: "not_signed_in" },
      },
    },
    async (_input, req, res) => {
      const account = await signedInAccount(deps, req);
      res.setHeader("Cache-Control", "no-store");
      const verifiedEmail = account.verifiedAt ? emailKey(account.email) : null;
      return { orders: await deps.ordersOf({ fanIds: await deps.accounts.fanIds(account), verifiedEmail }) };
    },
  );
}
