// The one HTTP client of the app. Every call goes through `request`, which:
// - sends and reads JSON, with `credentials: "same-origin"` (session cookies ride along);
// - adds `X-CSRF-Token` to admin writes once an admin session has set the token;
// - gives every call a deadline (AbortController), so no page waits forever;
// - returns an outcome, never throws for HTTP/network failures: `{ok: true, data}` or
//   `{ok: false, error: ApiError}` — the same shape as the Socket.IO acks.
// A call names its endpoint (endpoints.ts), never a path and a type of its own choosing: what an
// answer is typed as follows from the endpoint, whose types are the server's declared schemas'.
import { assert } from "@stampede/shared/assert";
import { errorCodes, type ErrorCode } from "@stampede/shared/errors";
import { apiRequestTimeoutMs } from "./limits.js";

/** Failures that happen before or instead of a server answer. */
export const clientErrorCodes = ["network_error", "timeout", "aborted", "bad_response"] as const;
export type ClientErrorCode = (typeof clientErrorCodes)[number];
export type ApiErrorCode = ErrorCode | ClientErrorCode;

export interface ApiError {
  /** HTTP status; 0 when no answer arrived (network error, timeout, abort). */
  status: number;
  code: ApiErrorCode;
  /** The server's message (developer words); show `plainMessage(error)` to people. */
  message: string;
  /** From the Retry-After header on 429/503, in whole seconds. */
  retryAfterSeconds: number | null;
  /** The server's `error.details` when it sent some (422 field issues, a first check-in time). */
  details?: unknown;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RequestOptions {
  /** Cancels the call, e.g. when the page that asked for it goes away. */
  signal?: AbortSignal;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

// Never set at run time: they only carry an endpoint's types to the Api's methods.
declare const answerType: unique symbol;
declare const bodyType: unique symbol;

/** One call of the HTTP API: its method and absolute path (parameters encoded), and as types only
 * what it answers (`Answer`) and what its request body is (`Body`; undefined: it sends none). */
export interface Endpoint<M extends HttpMethod, Answer, Body = undefined> {
  readonly method: M;
  readonly path: string;
  readonly [answerType]?: Answer;
  /** A parameter, so an endpoint that takes a body is not accepted where none is sent. */
  readonly [bodyType]?: (body: Body) => void;
}

/** The request body type an endpoint carries. */
export type BodyOf<E> = E extends Endpoint<HttpMethod, unknown, infer B> ? B : never;

/** A write's arguments after its endpoint: the body (optional when the endpoint sends none), then options. */
export type WriteArgs<Body> = undefined extends Body
  ? [body?: Body, options?: RequestOptions]
  : [body: Body, options?: RequestOptions];

export interface Api {
  get<A>(endpoint: Endpoint<"GET", A>, options?: RequestOptions): Promise<ApiResult<A>>;
  post<A, B>(endpoint: Endpoint<"POST", A, B>, ...args: WriteArgs<NoInfer<B>>): Promise<ApiResult<A>>;
  patch<A, B>(endpoint: Endpoint<"PATCH", A, B>, ...args: WriteArgs<NoInfer<B>>): Promise<ApiResult<A>>;
  put<A, B>(endpoint: Endpoint<"PUT", A, B>, ...args: WriteArgs<NoInfer<B>>): Promise<ApiResult<A>>;
  delete<A>(endpoint: Endpoint<"DELETE", A>, options?: RequestOptions): Promise<ApiResult<A>>;
  /** A GET whose answer is text, not JSON (an SVG); errors still read the JSON error body. */
  getText(path: string, options?: RequestOptions): Promise<ApiResult<string>>;
  /** Set by AdminSession after login/me; cleared on logout. */
  setCsrfToken(token: string | null): void;
}

export interface ApiConfig {
  fetch: FetchLike;
  timeoutMs?: number;
  /** Clock for Retry-After dates; tests pin it. */
  nowMs?: () => number;
}

const adminPathPrefix = "/api/admin/";
const safeMethods = new Set(["GET", "HEAD"]);

export function createApi(config: ApiConfig): Api {
  let csrfToken: string | null = null;
  const nowMs = config.nowMs ?? Date.now;

  async function request<T>(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions = {},
    as: "json" | "text" = "json",
  ): Promise<ApiResult<T>> {
    assert(path.startsWith("/"), `api paths are absolute: ${path}`);
    const headers: Record<string, string> = { Accept: as === "json" ? "application/json" : "*/*", ...options.headers };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (!safeMethods.has(method) && path.startsWith(adminPathPrefix) && csrfToken !== null) {
      headers["X-CSRF-Token"] = csrfToken;
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), options.timeoutMs ?? config.timeoutMs ?? apiRequestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
    try {
      const response = await config.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        signal,
      });
      if (as === "text" && response.ok) return { ok: true, data: (await response.text()) as T };
      const parsed = await readJson(response);
      if (response.ok) {
        return parsed.ok
          ? { ok: true, data: parsed.value as T }
          : failure(response.status, "bad_response", "response is not JSON");
      }
      return { ok: false, error: errorFromResponse(response, parsed.ok ? parsed.value : undefined, nowMs()) };
    } catch (cause) {
      if (deadline.signal.aborted) return failure(0, "timeout", `${method} ${path} timed out`);
      if (options.signal?.aborted) return failure(0, "aborted", `${method} ${path} was cancelled`);
      return failure(0, "network_error", cause instanceof Error ? cause.message : String(cause));
    } finally {
      clearTimeout(timer);
    }
  }

  // The one place an answer gets its type: the endpoint's, whose schema the server answers by.
  const call = <A>(endpoint: Endpoint<HttpMethod, A, never>, body: unknown, options?: RequestOptions) =>
    request<A>(endpoint.method, endpoint.path, body, options);

  return {
    get: (endpoint, options) => call(endpoint, undefined, options),
    post: (endpoint, ...[body, options]) => call(endpoint, body, options),
    patch: (endpoint, ...[body, options]) => call(endpoint, body, options),
    put: (endpoint, ...[body, options]) => call(endpoint, body, options),
    delete: (endpoint, options) => call(endpoint, undefined, options),
    getText: (path, options) => request<string>("GET", path, undefined, options, "text"),
    setCsrfToken(token) {
      csrfToken = token;
    },
  };
}

function failure(status: number, code: ApiErrorCode, message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { status, code, message, retryAfterSeconds: null } };
}

/** An empty body (204, or an error page with no content) reads as `undefined`. */
async function readJson(response: Response): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const text = await response.text();
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const knownCodes: ReadonlySet<string> = new Set(errorCodes);

/** Maps `{"error":{"code","message"}}` to an ApiError; a proxy's HTML error page maps by status. */
export function errorFromResponse(response: Response, body: unknown, nowMs: number): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const code =
    typeof error.code === "string" && knownCodes.has(error.code)
      ? (error.code as ErrorCode)
      : codeForStatus(response.status);
  const message = typeof error.message === "string" ? error.message : `HTTP ${response.status}`;
  const apiError: ApiError = {
    status: response.status,
    code,
    message,
    retryAfterSeconds: parseRetryAfter(response.headers.get("Retry-After"), nowMs),
  };
  if (error.details !== undefined) apiError.details = error.details;
  return apiError;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413) return "payload_too_large";
  if (status === 429) return "rate_limited";
  if (status === 503) return "not_ready";
  if (status >= 400 && status < 500) return "invalid_request";
  return "internal_error";
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === "") return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const atMs = Date.parse(header);
  if (Number.isNaN(atMs)) return null;
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function seconds(n: number): string {
  return n === 1 ? "1 second" : `${n} seconds`;
}

/** Worth a "Try again" button: nothing answered, the server struggled, or it asked us to wait. */
export function isRetryable(error: ApiError): boolean {
  return error.status === 0 || error.status >= 500 || error.code === "rate_limited";
}

/** Plain words for people; the server's message is for developers and logs. */
const plainMessages: Partial<Record<ApiErrorCode, (error: ApiError) => string>> = {
  network_error: () => "We can't reach Stampede right now. Check your connection and try again.",
  timeout: () => "Stampede is taking too long to answer. Please try again.",
  aborted: () => "The request was cancelled.",
  bad_response: () => "Stampede sent an answer we couldn't read. Please try again.",
  rate_limited: (e) =>
    e.retryAfterSeconds === null
      ? "Too many attempts — try again in a moment."
      : `Too many attempts — try again in ${seconds(e.retryAfterSeconds)}.`,
  unauthorized: () => "Please sign in to continue.",
  forbidden: () => "Your account isn't allowed to do that.",
  csrf_failed: () => "Your session needs a refresh. Reload the page and try again.",
  not_found: () => "We couldn't find that. It may have been removed, or the link is wrong.",
  invalid_request: () => "Something in the request isn't right. Please check and try again.",
  invalid_json: () => "Something in the request isn't right. Please check and try again.",
  payload_too_large: () => "That's too much data to send at once.",
  not_ready: () => "Stampede is starting up or under maintenance. Please try again in a moment.",
  overloaded: (e) =>
    e.retryAfterSeconds === null
      ? "Lots of fans are checking out right now. Please try again in a moment."
      : `Lots of fans are checking out right now. Please try again in ${seconds(e.retryAfterSeconds)}.`,
  internal_error: () => "Something went wrong on our side. Please try again in a moment.",
  ledger_unavailable: () => "Ticketing is briefly unavailable. Please try again in a moment.",
  invalid_transition: () => "That change isn't allowed in the event's current state.",
  admission_required: () => "You need to be admitted from the waiting room first.",
  sale_not_open: () => "The sale isn't open right now.",
  sold_out: () => "Sold out — every ticket has been taken.",
  insufficient_stock: () => "There aren't enough tickets left for that many. Try fewer.",
  hold_active: () => "You already have tickets held. Finish or cancel that order first.",
  fan_limit_reached: () => "You've reached the ticket limit for this event.",
  already_checked_in: () => "This ticket has already been scanned.",
  invalid_ticket: () => "This ticket isn't valid.",
  conflict: () => "That clashed with another change. Please reload and try again.",
  not_signed_in: () => "Please sign in to continue.",
  resale_disabled: () => "Resale isn't open for this event.",
  not_your_ticket: () => "That ticket isn't yours to sell.",
  ticket_not_resellable: () => "This ticket can't be resold: it is unpaid, checked in, refunded or already resold.",
  already_listed: () => "This ticket is already for sale.",
  price_above_cap: () => "That price is above the highest price allowed for this ticket.",
  listing_locked: () => "Someone else is paying for this ticket right now. Try again in a few minutes.",
  listing_unavailable: () => "This ticket is no longer for sale.",
  own_listing: () => "This is your own listing.",
};

export function plainMessage(error: ApiError): string {
  const message = plainMessages[error.code];
  if (message) return message(error);
  if (error.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
  return "That didn't work. Please try again.";
}
