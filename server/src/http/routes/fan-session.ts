// Fan sessions: anonymous and signed; no sign-up. The same browser keeps its fan id (cookie),
// and scripts keep theirs by sending the token back.
import { Router, type Response } from "express";
import { fanSessionView } from "@stampede/shared/api/session";
import { uuidv7 } from "@stampede/shared/ids";
import { fanTokenTtlSeconds } from "@stampede/shared/limits";
import { fanCookieName } from "@stampede/shared/protocol";
import type { OpenApiRegistry } from "../openapi.js";
import { defineRoute } from "../route.js";
import { fanIdFrom, fanTokenFrom } from "../guards/fan.js";
import type { TokenService } from "../../services/fans/tokens.js";
import type { RateLimit } from "../../adapters/redis/rate-limit.js";
import { rateLimited } from "../../services/errors.js";
import { clientIp } from "../client-address.js";

/** The fan cookie: HttpOnly, for this fan token (a new session, or the one an account's devices share). */
export function setFanCookie(res: Response, fanToken: string, secure: boolean): void {
  res.cookie(fanCookieName, fanToken, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: fanTokenTtlSeconds * 1000,
  });
}

export function fanSessionRoutes(
  tokens: TokenService,
  registry: OpenApiRegistry,
  options: { secureCookies: boolean; perIp: RateLimit },
): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/session",
      summary: "Start (or resume) an anonymous fan session; sets an HttpOnly cookie",
      tags: ["fans"],
      responses: {
        200: { description: "the existing session", schema: fanSessionView },
        201: { description: "a new session", schema: fanSessionView },
        429: { description: "too many new sessions from this address" },
      },
    },
    async (_input, req, res) => {
      const existing = await fanIdFrom(tokens, req);
      if (!existing) {
        const wait = await options.perIp.take(clientIp(req));
        if (wait !== null) throw rateLimited(wait, "new sessions from this address");
      }
      const fanId = existing ?? uuidv7();
      const fanToken = existing ? (fanTokenFrom(req) as string) : await tokens.signFan(fanId);
      setFanCookie(res, fanToken, options.secureCookies);
      res.status(existing ? 200 : 201);
      return { fanId, fanToken };
    },
  );
  return router;
}
