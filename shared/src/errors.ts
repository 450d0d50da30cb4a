// Error codes of the public contract: the `code` in {"error":{"code","message"}}.
export const errorCodes = [
  "invalid_request",
  "invalid_json",
  "payload_too_large",
  "not_found",
  "unauthorized",
  "forbidden",
  "csrf_failed",
  "rate_limited",
  "not_ready",
  "overloaded",
  "internal_error",
  "invalid_transition",
  "admission_required",
  "sale_not_open",
  "sold_out",
  "insufficient_stock",
  "hold_active",
  "fan_limit_reached",
  "ledger_unavailable",
  "already_checked_in",
  "wrong_event",
  "invalid_ticket",
  "invalid_signature",
  "invalid_payload",
  "conflict",
  "request_in_progress",
  "capacity_below_sold",
  "event_ended",
  "already_cancelled",
  "email_taken",
  "invalid_credentials",
  "not_signed_in",
  "invalid_link",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
