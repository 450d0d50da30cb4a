// CSV for the orders export (RFC 4180: comma, CRLF, quotes doubled), safe to open in a
// spreadsheet: a cell that starts like a formula (= + - @, tab, CR) gets a leading apostrophe,
// so an email such as "=HYPERLINK(…)" stays text.
import type { AdminOrderView } from "./views.js";

function cell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

export const orderCsvHeader = [
  "order_id",
  "created_at",
  "paid_at",
  "status",
  "email",
  "items",
  "tickets",
  "total",
  "currency",
  "perks",
  "fan_id",
  "payment_provider",
] as const;

/** Money as a plain decimal ("45.00") so spreadsheets sum it; the currency has its own column. */
export function decimalAmount(cents: number, currency: string): string {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (cents / 10 ** digits).toFixed(digits);
}

export function ordersCsv(orders: readonly AdminOrderView[]): string {
  return toCsv([
    orderCsvHeader,
    ...orders.map((o) => [
      o.orderId,
      o.createdAt,
      o.paidAt,
      o.status,
      o.email,
      o.items.map((i) => `${i.quantity}x${i.code}`).join(" "),
      o.items.reduce((sum, i) => sum + i.quantity, 0),
      decimalAmount(o.totalCents, o.currency),
      o.currency,
      o.perks.map((p) => p.code).join(" "),
      o.fanId,
      o.paymentProvider,
    ]),
  ]);
}
