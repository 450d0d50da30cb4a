// Pure helpers of the admin orders table: the list URL for a set of filters and a cursor, and
// appending a page without repeating rows (an order placed between two pages shifts the cursor).
import type { AdminOrderView, OrderStatus } from "./views.js";

export interface OrderFilters {
  q: string;
  status: OrderStatus | "";
}

export function orderListPath(eventId: string, filters: OrderFilters, cursor: string | null, limit: number): string {
  const params = new URLSearchParams({ eventId, limit: String(limit) });
  if (filters.q !== "") params.set("q", filters.q);
  if (filters.status !== "") params.set("status", filters.status);
  if (cursor !== null) params.set("cursor", cursor);
  return `/api/admin/orders?${params.toString()}`;
}

export function appendPage(rows: readonly AdminOrderView[], page: readonly AdminOrderView[]): AdminOrderView[] {
  const seen = new Set(rows.map((r) => r.orderId));
  return [...rows, ...page.filter((o) => !seen.has(o.orderId))];
}
