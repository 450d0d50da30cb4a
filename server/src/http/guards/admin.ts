// Admin authentication for every /api/admin route: a session cookie (browser) or HTTP Basic
// (scripts). Cookie-authenticated writes must carry the session's CSRF token; Basic cannot be
// sent by a browser on its own because the server never asks for it (no WWW-Authenticate).
import { timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { parse as parseCookies } from "cookie";
import type { AdminRole } from "@stampede/shared/roles";
import { HttpError } from "../errors.js";
import { clientIp } from "../client-address.js";
import { verifyCredentials, type AdminAuthDeps } from "../../services/admin/auth.js";

export const adminCookieName = "stampede_admin";
export const csrfHeaderName = "x-csrf-token";

export interface AdminPrincipal {
  adminId: string;
  username: string;
  role: AdminRole;
  via: "cookie" | "basic";
  sessionId?: string;
  csrfToken?: string;
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function currentAdmin(res: Response): AdminPrincipal {
  const admin = res.locals.admin as AdminPrincipal | undefined;
  if (!admin) throw new Error("currentAdmin() called on a route without requireAdmin");
  return admin;
}

/** A NUL character (PostgreSQL text cannot hold one) makes them wrong credentials, found without a query. */
function parseBasic(header: string): { username: string; password: string } | null {
  const decoded = Buffer.from(header.slice("Basic ".length).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || decoded.includes("\u0000")) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function authenticate(deps: AdminAuthDeps, req: Request): Promise<AdminPrincipal | null> {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith("Basic ")) {
    const creds = parseBasic(authorization);
    if (!creds) return null;
    const user = await verifyCredentials(deps, clientIp(req), creds.username, creds.password);
    return user ? { adminId: user.id, username: user.username, role: user.role, via: "basic" } : null;
  }
  return adminFromCookie(deps, req.headers.cookie);
}

/** The admin signed in with this Cookie header (for sockets), or null. */
export async function adminFromCookie(
  deps: Pick<AdminAuthDeps, "sessions">,
  cookieHeader: string | undefined,
): Promise<AdminPrincipal | null> {
  const sessionId = parseCookies(cookieHeader ?? "")[adminCookieName];
  const session = sessionId ? await deps.sessions.get(sessionId) : null;
  return session && sessionId ? { ...session, via: "cookie", sessionId } : null;
}

function csrfMatches(expected: string | undefined, given: string | string[] | undefined): boolean {
  if (!expected || typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function auditOnFinish(deps: AdminAuthDeps, req: Request, res: Response, admin: AdminPrincipal | null): void {
  res.on("finish", () => {
    deps.audit.record({
      adminId: admin?.adminId ?? null,
      username: admin?.username ?? null,
      action: `${req.method} ${req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path}`,
      target: req.originalUrl,
      status: res.statusCode,
      requestId: String(req.id ?? ""),
      ip: clientIp(req),
    });
  });
}

/** Allows the given roles (admin is always allowed). Every write attempt is audit-logged,
 * including the refused ones (no auth, wrong role, bad CSRF token). */
export function requireAdmin(deps: AdminAuthDeps, roles: AdminRole[] = []): RequestHandler {
  return async (req, res, next) => {
    const admin = await authenticate(deps, req);
    const unsafe = !safeMethods.has(req.method);
    if (unsafe) auditOnFinish(deps, req, res, admin);
    if (!admin) throw new HttpError(401, "unauthorized", "sign in as an admin (session cookie or HTTP Basic)");
    if (admin.role !== "admin" && !roles.includes(admin.role)) {
      throw new HttpError(403, "forbidden", `the ${admin.role} role may not do this`);
    }
    if (unsafe && admin.via === "cookie" && !csrfMatches(admin.csrfToken, req.headers[csrfHeaderName])) {
      throw new HttpError(403, "csrf_failed", `missing or wrong ${csrfHeaderName} header`);
    }
    res.locals.admin = admin;
    next();
  };
}
