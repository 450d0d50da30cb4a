// Form input to the API's shapes and the API's 422 back onto the form's fields. The server names
// the field in `error.details.issues[].field` ("body.classes.0.capacity") and in the message
// ("body.classes.0.capacity: Too small: …"); the form keys its errors the same way without the
// "body." ("classes.0.capacity"), so one map serves both ends.
import type { ApiError } from "./api.js";

export type FieldErrors = Record<string, string>;

/** Zod's words, said for people. Unknown messages pass through. */
export function plainIssue(message: string): string {
  const min = /^Too small: expected (?:number|int) to be >=?\s*(-?[\d.]+)/.exec(message);
  if (min) return `Must be at least ${min[1]}.`;
  const max = /^Too big: expected (?:number|int) to be <=?\s*(-?[\d.]+)/.exec(message);
  if (max) return `Must be at most ${max[1]}.`;
  if (/^Too small: expected string to have >=1 characters/.test(message)) return "Required.";
  const long = /^Too big: expected string to have <=(\d+) characters/.exec(message);
  if (long) return `At most ${long[1]} characters.`;
  const few = /^Too small: expected array to have >=(\d+) items/.exec(message);
  if (few) return few[1] === "1" ? "Add at least one." : `Add at least ${few[1]}.`;
  const many = /^Too big: expected array to have <=(\d+) items/.exec(message);
  if (many) return `At most ${many[1]}.`;
  if (/^Invalid ISO datetime/.test(message)) return "Not a valid date and time.";
  if (/^Invalid input: expected number/.test(message)) return "A number.";
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
}

function fieldKey(field: string): string {
  return field.replace(/^body\.?/, "");
}

/** The 422's issues as field → plain message (the first issue per field wins). */
export function fieldErrorsFrom(error: ApiError): FieldErrors {
  const errors: FieldErrors = {};
  const details = error.details as { issues?: unknown } | undefined;
  const issues = Array.isArray(details?.issues) ? (details.issues as unknown[]) : [];
  for (const issue of issues) {
    if (typeof issue !== "object" || issue === null) continue;
    const { field, message } = issue as { field?: unknown; message?: unknown };
    if (typeof field !== "string" || typeof message !== "string") continue;
    errors[fieldKey(field)] ??= plainIssue(message);
  }
  if (Object.keys(errors).length === 0) {
    const named = /^([\w.]+): (.+)$/.exec(error.message);
    if (named?.[1] && named[2]) errors[fieldKey(named[1])] = plainIssue(named[2]);
  }
  return errors;
}

/** A whole number typed in a field, or null. */
export function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d{1,12}$/.test(t) ? Number(t) : null;
}

/**
 * "45", "45.5", "45.50" → 4550 minor units for the currency's decimals; null when not an amount.
 * A currency that isn't a code counts as two decimals: the currency field says what is wrong, and
 * a good price beside it is not flagged for it.
 */
export function parseMoney(text: string, currency: string): number | null {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  const t = text.trim().replace(/,/g, "");
  const match = /^(\d{1,10})(?:\.(\d*))?$/.exec(t);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

/** A `datetime-local` value (the admin's own time zone) → ISO UTC; "" → null; undefined when invalid. */
export function localToIso(value: string): string | null | undefined {
  if (value.trim() === "") return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** ISO → a `datetime-local` value in the admin's time zone (for defaults). */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
