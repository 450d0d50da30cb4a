// The dashboard's orders table: search by email or order id, filter by status, page on with the
// server's cursor (newest first), refund a paid order, and export CSV — the loaded rows, or every
// matching order paged through (bounded). `GET /api/admin/orders?eventId=&status=&q=&limit=&cursor=`.
// While only the first page is on screen, orders the live feed reports changed are re-read (at
// most every few seconds); with more pages loaded the table says it is out of date instead of
// moving rows under the reader.
import { plainMessage, type Api, type ApiError } from "./api.js";
import * as endpoints from "./endpoints.js";
import { systemClock, type Clock } from "./clock.js";
import { ordersCsv } from "./csv.js";
import { shortId } from "./format.js";
import { appendPage, type OrderFilters } from "./order-list.js";
import type { AdminOrderPage, AdminOrderView, OrderStatus } from "./views.js";

export const orderStatusFilters: readonly OrderStatus[] = [
  "held",
  "paid",
  "expired",
  "cancelled",
  "payment_failed",
  "refunded",
];

/** The server's page size cap (shared/src/limits.ts listPageSizeMax). */
const exportPageSize = 200;
/** An export stops here: beyond it, a database export is the right tool, not a browser. */
export const exportRowsMax = 20_000;
/** The first page is re-read at most this often while orders keep changing. */
export const ordersRefreshMs = 3_000;

export interface OrdersBrowserDeps {
  api: Pick<Api, "get" | "post">;
  eventId: string;
  pageSize?: number;
  onUnauthorized?: () => void;
  clock?: Clock;
}

export type OrdersLoad = "idle" | "loading" | "loaded" | "failed";

export class OrdersBrowser {
  /** The search box and the status filter as set; applied by `search()`. */
  query = $state("");
  status = $state<OrderStatus | "">("");
  rows = $state.raw<AdminOrderView[]>([]);
  nextCursor = $state<string | null>(null);
  load = $state<OrdersLoad>("idle");
  loadingMore = $state(false);
  /** The order whose refund is in flight. */
  refunding = $state<string | null>(null);
  exporting = $state(false);
  /** The last outcome worth telling (a refund done, an export cut short, a failure), in plain words. */
  notice = $state<{ kind: "ok" | "error"; text: string } | null>(null);
  /** Orders changed since the rows on screen were read. */
  stale = $state(false);
  /** Pages on screen: only the first is re-read by itself. */
  pages = $state(0);

  #deps: OrdersBrowserDeps;
  #clock: Clock;
  #applied: OrderFilters = { q: "", status: "" };
  #inFlight: AbortController | null = null;
  #refresh: ReturnType<Clock["setTimeout"]> | null = null;

  constructor(deps: OrdersBrowserDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** First page for the filters as set now; a newer search wins over one still in flight. */
  async search(): Promise<void> {
    this.#applied = { q: this.query.trim(), status: this.status };
    this.load = "loading";
    this.notice = null;
    await this.reload();
  }

  /** One order by its id, whatever the filters were (the orders the mismatch alert names). */
  find(orderId: string): Promise<void> {
    this.query = orderId;
    this.status = "";
    return this.search();
  }

  /** The first page again, for the filters of the last search (not what is half-typed in the box). */
  async reload(): Promise<void> {
    this.stale = false;
    const page = await this.#page(this.#applied, null, this.#deps.pageSize ?? 25);
    if (page === "overtaken") return;
    if (!page.ok) {
      this.load = "failed";
      this.notice = { kind: "error", text: `The orders couldn't be loaded. ${plainMessage(page.error)}` };
      return;
    }
    this.rows = page.data.orders;
    this.nextCursor = page.data.nextCursor;
    this.load = "loaded";
    this.pages = 1;
  }

  /** The live feed saw orders change: re-read the first page soon, or mark the table out of date. */
  noteChanges(): void {
    this.stale = true;
    if (this.pages !== 1 || this.#refresh !== null) return;
    this.#refresh = this.#clock.setTimeout(() => {
      this.#refresh = null;
      // Not while a refund is in flight or more pages were loaded meanwhile.
      if (this.pages === 1 && this.refunding === null && this.load === "loaded") void this.reload();
    }, ordersRefreshMs);
  }

  /** The next page, appended. */
  async more(): Promise<void> {
    if (this.nextCursor === null || this.loadingMore) return;
    this.loadingMore = true;
    const page = await this.#page(this.#applied, this.nextCursor, this.#deps.pageSize ?? 25);
    this.loadingMore = false;
    if (page === "overtaken") return;
    if (!page.ok) {
      this.notice = { kind: "error", text: `More orders couldn't be loaded. ${plainMessage(page.error)}` };
      return;
    }
    this.rows = appendPage(this.rows, page.data.orders);
    this.nextCursor = page.data.nextCursor;
    this.pages += 1;
  }

  async refund(orderId: string): Promise<boolean> {
    if (this.refunding !== null) return false;
    this.refunding = orderId;
    this.notice = null;
    const result = await this.#deps.api.post(endpoints.refundOrder(orderId));
    this.refunding = null;
    if (!result.ok) {
      this.#checkAuth(result.error);
      const why =
        result.error.code === "conflict"
          ? "Only paid orders can be refunded, and this one isn't paid (any more)."
          : plainMessage(result.error);
      this.notice = { kind: "error", text: `Order ${shortId(orderId)} wasn't refunded. ${why}` };
      return false;
    }
    // The refund answers the order alone: whose it is and its provider stay as the list said.
    this.rows = this.rows.map((r) =>
      r.orderId === orderId ? { ...result.data, fanId: r.fanId, paymentProvider: r.paymentProvider } : r,
    );
    this.notice = {
      kind: "ok",
      text: `Order ${shortId(orderId)} is refunded; its tickets no longer admit anyone and went back on sale.`,
    };
    return true;
  }

  /** CSV of the rows on the page. */
  loadedCsv(): string {
    return ordersCsv(this.rows);
  }

  /** CSV of every order matching the applied filters, paged through; null when a page failed. */
  async exportAll(): Promise<{ csv: string; rows: number; truncated: boolean } | null> {
    if (this.exporting) return null;
    this.exporting = true;
    this.notice = null;
    const all: AdminOrderView[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page = await this.#page(this.#applied, cursor, exportPageSize, false);
        if (page === "overtaken") return null;
        if (!page.ok) {
          this.notice = {
            kind: "error",
            text: `The export stopped after ${all.length} orders. ${plainMessage(page.error)}`,
          };
          return null;
        }
        all.push(...page.data.orders);
        cursor = page.data.nextCursor;
      } while (cursor !== null && all.length < exportRowsMax);
    } finally {
      this.exporting = false;
    }
    const truncated = cursor !== null;
    if (truncated)
      this.notice = {
        kind: "error",
        text: `The export holds the newest ${all.length} orders only; narrow the search for the rest.`,
      };
    return { csv: ordersCsv(all), rows: all.length, truncated };
  }

  cancel(): void {
    this.#inFlight?.abort();
    this.#inFlight = null;
    if (this.#refresh !== null) this.#clock.clearTimeout(this.#refresh);
    this.#refresh = null;
  }

  async #page(
    filters: OrderFilters,
    cursor: string | null,
    limit: number,
    exclusive = true,
  ): Promise<{ ok: true; data: AdminOrderPage } | { ok: false; error: ApiError } | "overtaken"> {
    const call = new AbortController();
    if (exclusive) {
      this.#inFlight?.abort();
      this.#inFlight = call;
    }
    const result = await this.#deps.api.get(endpoints.adminOrders(this.#deps.eventId, filters, cursor, limit), {
      signal: call.signal,
    });
    if (exclusive && this.#inFlight !== call) return "overtaken";
    if (exclusive) this.#inFlight = null;
    if (!result.ok) this.#checkAuth(result.error);
    return result;
  }

  #checkAuth(error: ApiError): void {
    if (error.code === "unauthorized") this.#deps.onUnauthorized?.();
  }
}
