// Money and dates in the visitor's locale. `locale` is only passed by tests; pages use the default.

/** Integer minor units + ISO 4217 currency → "$12.50", "12,50 €", "¥1,250". */
export function formatMoney(cents: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(cents / 10 ** digits);
}

/** "Sat, Mar 14, 2026, 8:00 PM GMT+1" — in the visitor's time zone, which the label names. */
export function formatDateTime(iso: string | null, locale?: string, timeZone?: string): string | null {
  if (iso === null) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  }).format(date);
}

export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A countdown for the eye: "4:05", "1:02:03", "3 days 4 h"; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  const two = (n: number): string => String(n).padStart(2, "0");
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"} ${hours} h`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${two(minutes)}:${two(seconds)}`;
}

/**
 * A countdown for the ear, in whole minutes rounded up, so its text — and what a live region
 * reads out — changes once a minute, not every second.
 */
export function spokenCountdown(ms: number): string {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  if (minutes === 0) return "Time is up.";
  if (minutes === 1) return "Less than a minute left.";
  if (minutes < 120) return `About ${minutes} minutes left.`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `About ${hours} hours left.` : `About ${Math.round(hours / 24)} days left.`;
}

/**
 * A fixed length of time in exact words: "20 s", "1 min", "1 min 30 s", "2 h", "1 h 5 min".
 * Never rounds up (a 20 s hold is not "1 min"); above an hour the seconds are left out.
 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const rest = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** An honest wait in words: "about 3 minutes", "less than a minute"; null stays "unknown". */
export function formatWait(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 60) return "less than a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes === 1 ? "about 1 minute" : `about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? "about 1 hour" : `about ${hours} hours`;
}

/** A time of day to the second, 24-hour ("20:31:05"), with the date in front when it isn't today. */
export function formatClockTime(iso: string, nowMs: number, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(date);
  const day = (d: Date): string =>
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  if (day(date) === day(new Date(nowMs))) return time;
  return `${new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone }).format(date)}, ${time}`;
}

/** A time of day to the minute, 24-hour ("20:31"), for "back by 20:31"; an unreadable time stays as given. */
export function formatHourMinute(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(
    date,
  );
}

/** "just now", "3 s ago", "5 min ago", then the clock time: for a live feed's lines. */
export function formatAgo(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - atMs) / 1_000));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ago`;
  return formatClockTime(new Date(atMs).toISOString(), nowMs);
}

/**
 * An id short enough to read out: its last 8 characters. Ids are UUIDv7, whose first characters
 * are the creation time — orders placed in the same minute share them — so the end tells them apart.
 */
export function shortId(id: string): string {
  return id.slice(-8);
}
