// "My tickets": every order of the signed-in account (any event, any device it signed in on),
// newest first, each linking to its order page with the private token. GET /api/account/orders
// answers orders with their event id only; the event names are read afterwards, one GET per event
// (a fan has few), and a name that can't be read leaves the id showing.
import type { AccountOrdersView } from "@stampede/shared/api/accounts";
import type { Api, ApiError } from "./api.js";
import { isSignedOutError } from "./account.svelte.js";
import * as endpoints from "./endpoints.js";
import type { OrderStatus, OrderView } from "./views.js";

export const orderStatusWords: Record<OrderStatus, string> = {
  held: "Held, waiting for payment",
  paid: "Paid",
  expired: "Expired",
  cancelled: "Cancelled",
  payment_failed: "Payment failed",
  refunded: "Refunded",
};

export interface TicketRow {
  orderId: string;
  eventId: string;
  /** The event's name, or its id until (or unless) the name is read. */
  eventLabel: string;
  status: OrderStatus;
  statusLabel: string;
  /** Tickets in the order: issued ones once paid, the quantities held before. */
  ticketCount: number;
  createdAt: string;
  /** The order page, token in the #fragment (never sent to the server). */
  href: string;
}

export type MyTicketsState =
  | { kind: "loading" }
  | { kind: "signed_out" }
  | { kind: "loaded"; orders: AccountOrdersView["orders"] }
  | { kind: "failed"; error: ApiError };

export function ticketCount(order: Pick<OrderView, "tickets" | "items">): number {
  if (order.tickets.length > 0) return order.tickets.length;
  return order.items.reduce((sum, item) => sum + item.quantity, 0);
}

export function orderHref(orderId: string, orderToken: string): string {
  return `/orders/${encodeURIComponent(orderId)}#token=${encodeURIComponent(orderToken)}`;
}

/** Event id → name, as far as they were read. */
export type EventNames = Readonly<Record<string, string>>;

export function ticketRows(orders: AccountOrdersView["orders"], names: EventNames): TicketRow[] {
  return orders.map(({ order, orderToken }) => ({
    orderId: order.orderId,
    eventId: order.eventId,
    eventLabel: names[order.eventId] ?? `Event ${order.eventId}`,
    status: order.status,
    statusLabel: orderStatusWords[order.status],
    ticketCount: ticketCount(order),
    createdAt: order.createdAt,
    href: orderHref(order.orderId, orderToken),
  }));
}

export class MyTickets {
  /** Replaced whole on every change. */
  state = $state.raw<MyTicketsState>({ kind: "loading" });
  /** Event id → name, as they are read; replaced whole. */
  names = $state.raw<EventNames>({});
  rows = $derived(this.state.kind === "loaded" ? ticketRows(this.state.orders, this.names) : []);

  #api: Pick<Api, "get">;

  constructor(api: Pick<Api, "get">) {
    this.#api = api;
  }

  /** The orders, then the names of their events. `signed_out` on 401: the page sends the fan to sign in. */
  async load(signal?: AbortSignal): Promise<void> {
    this.state = { kind: "loading" };
    const result = await this.#api.get(endpoints.accountOrders(), { signal });
    if (!result.ok) {
      this.state = isSignedOutError(result.error) ? { kind: "signed_out" } : { kind: "failed", error: result.error };
      return;
    }
    this.state = { kind: "loaded", orders: result.data.orders };
    await this.#readNames(result.data.orders, signal);
  }

  async #readNames(orders: AccountOrdersView["orders"], signal?: AbortSignal): Promise<void> {
    this.names = await readEventNames(
      this.#api,
      orders.map((o) => o.order.eventId),
      signal,
    );
  }
}

/** The names of these events (each read once); one that can't be read is left out. */
export async function readEventNames(
  api: Pick<Api, "get">,
  eventIds: readonly string[],
  signal?: AbortSignal,
): Promise<EventNames> {
  const ids = eventIds.filter((id, i, all) => all.indexOf(id) === i);
  const answers = await Promise.all(ids.map((id) => api.get(endpoints.event(id), { signal })));
  return Object.fromEntries(answers.flatMap((a): Array<[string, string]> => (a.ok ? [[a.data.id, a.data.name]] : [])));
}
