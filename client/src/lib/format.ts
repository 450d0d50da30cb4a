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
