// Admin sign-in, sign-out, "who am I" and admin user management.
import { Router, type Response } from "express";
import { z } from "zod";
import { adminSessionTtlSeconds, adminPasswordLengthMin } from "@stampede/shared/limits";
import { adminLoginInput, adminMeView, adminUserView, type AdminMeView } from "@stampede/shared/api/admin";
import type { PaymentProviderName } from "@stampede/shared/api/events";
import { adminRoles } from "@stampede/shared/roles";
import { HttpError } from "../errors.js";
import { clientIp } from "../client-address.js";
import type { OpenApiRegistry } from "../openapi.js";
import { defineRoute } from "../route.js";
import { verifyCredentials, type AdminAuthDeps } from "../../services/admin/auth.js";
import { adminCookieName, currentAdmin, requireAdmin } from "../guards/admin.js";

const createUserBody = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "letters, digits and _ . @ - (1–64)"),
  password: z.string().min(adminPasswordLengthMin).max(1024),
  role: z.enum(adminRoles),
});

export interface AdminRoutesOptions {
  secureCookies: boolean;
  /** The providers events may choose on this server; "who am I" says them so the event form offers only those. */
  paymentProviders: readonly PaymentProviderName[];
}

function setSessionCookie(res: Response, sessionId: string, secure: boolean): void {
  res.cookie(adminCookieName, sessionId, {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: "/",
    maxAge: adminSessionTtlSeconds * 1000,
  });
}

/** "Who am I": the admin, the CSRF token their writes echo (none for HTTP Basic), the server's providers. */
function meAnswer(
  admin: { username: string; role: AdminMeView["role"]; csrfToken?: string | null | undefined },
  options: AdminRoutesOptions,
): AdminMeView {
  return {
    username: admin.username,
    role: admin.role,
    csrfToken: admin.csrfToken ?? null,
    paymentProviders: [...options.paymentProviders],
  };
}

export function adminAuthRoutes(deps: AdminAuthDeps, registry: OpenApiRegistry, options: AdminRoutesOptions): Router {
  const router = Router();
  signInRoute(router, registry, deps, options);
  sessionRoutes(router, registry, deps, options);
  adminUserRoutes(router, registry, deps);
  return router;
}

const tags = ["admin: auth"];

/** Sign-in: checks the credentials (with the limiter's backoff), audits the attempt, sets the cookie. */
function signInRoute(
  router: Router,
  registry: OpenApiRegistry,
  deps: AdminAuthDeps,
  options: AdminRoutesOptions,
): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/login",
      summary: "Sign in; sets an HttpOnly session cookie",
      tags,
      body: adminLoginInput,
      responses: {
        200: { description: "signed in", schema: adminMeView },
        401: { description: "wrong credentials" },
        429: { description: "too many attempts" },
      },
    },
    async ({ body }, req, res) => {
      const ip = clientIp(req);
      const user = await verifyCredentials(deps, ip, body.username, body.password);
      deps.audit.record({
        adminId: user?.id ?? null,
        username: body.username,
        action: "login",
        target: null,
        status: user ? 200 : 401,
        requestId: String(req.id ?? ""),
        ip,
      });
      if (!user) throw new HttpError(401, "unauthorized", "wrong username or password");
      const { sessionId, session } = await deps.sessions.create(user);
      setSessionCookie(res, sessionId, options.secureCookies);
      res.json(meAnswer(session, options));
    },
  );
}

/** The signed-in admin's session: sign out, and who am I (with the CSRF token for writes). */
function sessionRoutes(
  router: Router,
  registry: OpenApiRegistry,
  deps: AdminAuthDeps,
  options: AdminRoutesOptions,
): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/logout",
      summary: "Sign out (ends the session)",
      tags,
      security: "admin",
      guards: [requireAdmin(deps, ["viewer", "scanner"])],
      responses: { 204: { description: "signed out" } },
    },
    async (_input, _req, res) => {
      const admin = currentAdmin(res);
      if (admin.sessionId) await deps.sessions.destroy(admin.sessionId);
      res.clearCookie(adminCookieName, { path: "/" });
      res.status(204).end();
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/me",
      summary: "The signed-in admin and the CSRF token for writes",
      tags,
      security: "admin",
      guards: [requireAdmin(deps, ["viewer", "scanner"])],
      responses: { 200: { description: "signed in", schema: adminMeView }, 401: { description: "not signed in" } },
    },
    (_input, _req, res) => {
      const admin = currentAdmin(res);
      res.json(meAnswer(admin, options));
    },
  );
}

/** Admin accounts: list them, and create one with its role (admins only). */
function adminUserRoutes(router: Router, registry: OpenApiRegistry, deps: AdminAuthDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/users",
      summary: "List admin users",
      tags,
      security: "admin",
      guards: [requireAdmin(deps)],
      responses: { 200: { description: "users", schema: z.strictObject({ users: z.array(adminUserView) }) } },
    },
    async (_input, _req, res) => {
      const users = await deps.users.list();
      res.json({ users: users.map(({ id, username, role, createdAt }) => ({ id, username, role, createdAt })) });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/users",
      summary: "Create an admin, viewer or scanner account",
      tags,
      security: "admin",
      guards: [requireAdmin(deps)],
      body: createUserBody,
      responses: { 201: { description: "created", schema: adminUserView }, 409: { description: "username taken" } },
    },
    async ({ body }, _req, res) => {
      const user = await deps.users.create(body.username, body.password, body.role);
      if (!user) throw new HttpError(409, "conflict", `the username "${body.username}" is taken`);
      res.status(201).json({ id: user.id, username: user.username, role: user.role, createdAt: user.createdAt });
    },
  );
}
