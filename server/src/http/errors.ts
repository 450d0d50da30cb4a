// The contract's error shape, produced in one place: {"error":{"code","message"}} with a status.
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { ErrorBody, ErrorCode } from "@stampede/shared/errors";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import { OverloadedError } from "../adapters/batching/admission-gate.js";
import { dependencyUnavailable } from "../adapters/dependency-errors.js";
import { PaymentProviderUnavailableError } from "../payments/provider.js";

/**
 * An outcome the client caused (bad input, missing auth, sold out …): answered as 4xx/503, never
 * logged as a bug — so it carries no stack. Capturing one cost ~20 µs, 2 % of the server's CPU
 * while a sold-out crowd was being refused.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string, details?: unknown): void {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  res.status(status).json(body);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, "not_found", `no route for ${req.method} ${req.originalUrl.split("?")[0]}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps thrown errors to the error shape. Unknown errors are bugs: logged with the request id, answered 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent) {
    req.log?.error({ err }, "error after the response started");
    res.end();
    return;
  }
  if (err instanceof HttpError) {
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    sendError(res, err.status, err.code, err.message, err.details);
    return;
  }
  if (err instanceof OverloadedError) {
    res.setHeader("Retry-After", String(err.retryAfterSeconds));
    const message = `${err.message}: nothing was done; retry after Retry-After (the same request is safe to repeat)`;
    return sendError(res, 503, "overloaded", message, { retryAfterSeconds: err.retryAfterSeconds });
  }
  if (err instanceof LedgerUnavailableError) {
    req.log?.warn({ err }, "ledger unavailable");
    res.setHeader("Retry-After", "1");
    return sendError(res, 503, "ledger_unavailable", "the ticket ledger is not answering; retry in a moment (the same request is safe to repeat)");
  }
  if (err instanceof PaymentProviderUnavailableError) {
    req.log?.warn({ err }, "payment provider unavailable");
    res.setHeader("Retry-After", "2");
    const message = "the payment provider is not answering; retry in a moment (the same request is safe to repeat)";
    return sendError(res, 503, "not_ready", message);
  }
  const dependency = dependencyUnavailable(err);
  if (dependency) {
    req.log?.warn({ err, dependency }, "dependency unavailable");
    res.setHeader("Retry-After", "2");
    return sendError(res, 503, "not_ready", `${dependency === "redis" ? "Redis" : "the database"} is not answering; please retry in a moment`);
  }
  const parserError = err as BodyParserError;
  if (parserError.type === "entity.too.large") return sendError(res, 413, "payload_too_large", "request body is too large");
  if (parserError.type === "entity.parse.failed") return sendError(res, 400, "invalid_json", "request body is not valid JSON");
  if (parserError.type === "charset.unsupported" || parserError.type === "encoding.unsupported") {
    return sendError(res, 415 as number, "invalid_request", "unsupported body encoding");
  }
  if (parserError.status === 404) return sendError(res, 404, "not_found", "no such file"); // a static file (client assets)
  if (typeof parserError.status === "number" && parserError.status >= 400 && parserError.status < 500) {
    return sendError(res, parserError.status, "invalid_request", "the request could not be read");
  }
  req.log?.error({ err }, "unhandled error");
  sendError(res, 500, "internal_error", "something went wrong on our side; please try again");
};
