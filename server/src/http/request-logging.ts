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

const serializers = {
  // Order links carry their token in the query: logged URLs have such values redacted.
  req: requestSerializer,
  res: (res: { statusCode: number }) => ({ status: res.statusCode }),
};

/**
 * One line per request at debug, with its id (also sent back as X-Request-Id) and tokens
 * redacted. Below debug no request line is written, so no per-request logger is made either:
 * `req.log` (what the error handler writes with) is made the first time it is read.
 */
export function requestLogging(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled("debug")) return requestIds(logger.child({}, { serializers }));
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestId(req as Request);
      res.setHeader("X-Request-Id", id);
      return id;
    },
    serializers,
    // One line per request is debug detail (LOG_LEVEL=debug); info keeps start, stop and business events.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "debug"),
    autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" },
  });
}

/** The request id and a `req.log` bound to the request, made only when something logs with it. */
function requestIds(base: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestId(req);
    res.setHeader("X-Request-Id", id);
    req.id = id;
    let log: Logger | undefined;
    Object.defineProperty(req, "log", {
      configurable: true,
      get: () => (log ??= base.child({ req })),
      set: (value: Logger) => {
        log = value;
      },
    });
    next();
  };
}
