// Fan authentication: `Authorization: Bearer <fanToken>` or the HttpOnly fan cookie.
import type { Request, RequestHandler, Response } from "express";
import { parse as parseCookies } from "cookie";
import { fanCookieName } from "@stampede/shared/protocol";
import { HttpError } from "../errors.js";
import type { TokenService } from "../../services/fans/tokens.js";

export function fanTokenFrom(req: Request): string | null {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length).trim();
  return parseCookies(req.headers.cookie ?? "")[fanCookieName] ?? null;
}

export async function fanIdFrom(tokens: TokenService, req: Request): Promise<string | null> {
  const token = fanTokenFrom(req);
  return token ? tokens.verifyFan(token) : null;
}

export function requireFan(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const fanId = await fanIdFrom(tokens, req);
    if (!fanId) throw new HttpError(401, "unauthorized", "start a fan session first (POST /api/session)");
    res.locals.fanId = fanId;
    next();
  };
}

export function currentFan(res: Response): string {
  const fanId = res.locals.fanId as string | undefined;
  if (!fanId) throw new Error("currentFan() called on a route without requireFan");
  return fanId;
}
