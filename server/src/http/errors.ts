// The contract's error shape, produced in one place: {"error":{"code","message"}} with a status.
// A service's refusal (DomainError) gets its status from its code (errorStatus) and Retry-After
// from its retry-after; an HttpError, the HTTP layer's own, says both itself.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { ErrorBody, ErrorCode } from "@stampede/shared/errors";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import { OverloadedError } from "../adapters/batching/admission-gate.js";
import { dependencyUnavailable } from "../adapters/dependency-errors.js";
import { PaymentProviderUnavailableError } from "@stampede/shared/ports/payment-provider";
import { DomainError, errorStatus } from "../services/errors.js";

/**
 * An outcome the client caused (bad input, missing auth, sold out …): answered as 4xx/503, never
 * logged as a bug — so it carries no stack. Capturing one cost ~20 µs, 2 % of the server's CPU
 * while a sold-out crowd was being refused. For the HTTP layer's own answers (a route's input, a
 * guard, a status its code does not have elsewhere); services throw DomainError instead.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    details?: unknown,
    headers: Record<string, string> = {},
  ) {
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

/** An outcome the client caused, as a service or the HTTP layer itself words it. */
export type Refusal = DomainError | HttpError;

export function isRefusal(err: unknown): err is Refusal {
  return err instanceof DomainError || err instanceof HttpError;
}

function bodyOf(code: ErrorCode, message: string, details: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** A refusal as the contract words it: the body of its HTTP answer, and (code and message) of its socket ack. */
export function errorBody(err: Refusal): ErrorBody {
  return bodyOf(err.code, err.message, err.details);
}

/** A refusal's status and headers: a DomainError's from its code and its retry-after, an HttpError's its own. */
export function answerHead(err: Refusal): { status: number; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, headers: err.headers };
  const headers: Record<string, string> =
    err.retryAfterSeconds === undefined ? {} : { "Retry-After": String(err.retryAfterSeconds) };
  return { status: errorStatus[err.code], headers };
}

function sendRefusal(res: Response, err: Refusal): void {
  const { status, headers } = answerHead(err);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json(errorBody(err));
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string, details?: unknown): void {
  res.status(status).json(bodyOf(code, message, details));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendRefusal(res, new DomainError("not_found", `no route for ${req.method} ${req.originalUrl.split("?")[0]}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
}

const safeToRepeat = "(the same request is safe to repeat)";

/** Too much work at once, or a dependency not answering, as the refusal it is answered with; null for any other error. */
function unavailable(err: unknown, req: Request): DomainError | null {
  if (err instanceof OverloadedError) {
    const { retryAfterSeconds } = err;
    const message = `${err.message}: nothing was done; retry after Retry-After ${safeToRepeat}`;
    return new DomainError("overloaded", message, { details: { retryAfterSeconds }, retryAfterSeconds });
  }
  if (err instanceof LedgerUnavailableError) {
    req.log?.warn({ err }, "ledger unavailable");
    const message = `the ticket ledger is not answering; retry in a moment ${safeToRepeat}`;
    return new DomainError("ledger_unavailable", message, { retryAfterSeconds: 1 });
  }
  if (err instanceof PaymentProviderUnavailableError) {
    req.log?.warn({ err }, "payment provider unavailable");
    const message = `the payment provider is not answering; retry in a moment ${safeToRepeat}`;
    return new DomainError("not_ready", message, { retryAfterSeconds: 2 });
  }
  const dependency = dependencyUnavailable(err);
  if (!dependency) return null;
  req.log?.warn({ err, dependency }, "dependency unavailable");
  const message = `${dependency === "redis" ? "Redis" : "the database"} is not answering; please retry in a moment`;
  return new DomainError("not_ready", message, { retryAfterSeconds: 2 });
}

/** Maps thrown errors to the error shape. Unknown errors are bugs: logged with the request id, answered 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent) {
    req.log?.error({ err }, "error after the response started");
    res.end();
    return;
  }
  const refusal = isRefusal(err) ? err : unavailable(err, req);
  if (refusal) return sendRefusal(res, refusal);
  const parserError = err as BodyParserError;
  const refuse = (code: ErrorCode, message: string) => sendRefusal(res, new DomainError(code, message));
  if (parserError.type === "entity.too.large") return refuse("payload_too_large", "request body is too large");
  if (parserError.type === "entity.parse.failed") return refuse("invalid_json", "request body is not valid JSON");
  // invalid_request with the status the parser chose (415, or any 4xx), not its usual 422: the one code answered with several.
  if (parserError.type === "charset.unsupported" || parserError.type === "encoding.unsupported") {
    return sendError(res, 415, "invalid_request", "unsupported body encoding");
  }
  if (parserError.status === 404) return refuse("not_found", "no such file"); // a static file (client assets)
  if (typeof parserError.status === "number" && parserError.status >= 400 && parserError.status < 500) {
    return sendError(res, parserError.status, "invalid_request", "the request could not be read");
  }
  req.log?.error({ err }, "unhandled error");
  refuse("internal_error", "something went wrong on our side; please try again");
};
