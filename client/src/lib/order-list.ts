// Pure helpers of the admin orders table: its filters (endpoints.ts adminOrders puts them in the
// list's URL), and appending a page without repeating rows (an order placed between two pages
// shifts the cursor).
import type { AdminOrderView, OrderStatus } from "./views.js";

export interface OrderFilters {
  q: string;
  status: OrderStatus | "";
}

export function appendPage(rows: readonly AdminOrderView[], page: readonly AdminOrderView[]): AdminOrderView[] {
  const seen = new Set(rows.map((r) => r.orderId));
  return [...rows, ...page.filter((o) => !seen.has(o.orderId))];
}
