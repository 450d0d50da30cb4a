// One line per request at debug level, with a request id (given or made) sent back as X-Request-Id.
import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import { requestSerializer, type Logger } from "../logger.js";

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function requestId(req: Request): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && requestIdPattern.test(given) ? given : randomUUID();
}

/** One line per request at debug, with its id (also sent back as X-Request-Id) and tokens redacted. */
export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestId(req as Request);
      res.setHeader("X-Request-Id", id);
      return id;
    },
    serializers: {
      // Order links carry their token in the query: logged URLs have such values redacted.
      req: requestSerializer,
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    // One line per request is debug detail (LOG_LEVEL=debug); info keeps start, stop and business events.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "debug"),
    // Only server errors would be printed: skip building the other request lines at all.
    autoLogging: logger.isLevelEnabled("debug") ? { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" } : false,
  });
}
