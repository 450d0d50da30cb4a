// Builds the contract's OrderView (shared/src/api/orders.ts): the order, its tickets with QR links, its perks.
import type { OrderView } from "@stampede/shared/api/orders";
import { formatShortCode } from "@stampede/shared/core/short-code";
import type { OrderRecord, OrdersRepo } from "../../adapters/postgres/orders-repo.js";
import type { TicketsRepo } from "../../adapters/postgres/tickets-repo.js";

/** Where an order's tickets and perks are read. */
export interface OrderContents {
  tickets: Pick<TicketsRepo, "ofOrder">;
  orders: Pick<OrdersRepo, "perksOf">;
}

export async function orderView(
  contents: OrderContents,
  order: OrderRecord,
  tokenForLinks: string | null,
): Promise<OrderView> {
  const [tickets, perks] = await Promise.all([contents.tickets.ofOrder(order.id), contents.orders.perksOf(order.id)]);
  const query = tokenForLinks ? `?token=${encodeURIComponent(tokenForLinks)}` : "";
  return {
    orderId: order.id,
    eventId: order.eventId,
    status: order.status,
    email: order.email,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    expiresAt: order.expiresAt,
    createdAt: order.createdAt,
    paidAt: order.paidAt,
    ...(order.status === "held" && order.paymentUrl ? { paymentUrl: order.paymentUrl } : {}),
    ...(order.code ? { code: order.code } : {}),
    tickets: tickets.map((t) => ({
      ticketId: t.id,
      classCode: t.classCode,
      code: t.code,
      shortCode: formatShortCode(t.shortCode),
      qrSvgUrl: `/api/tickets/${t.id}/qr.svg${query}`,
      qrPngUrl: `/api/tickets/${t.id}/qr.png${query}`,
      checkedInAt: t.checkedInAt ? t.checkedInAt.toISOString() : null,
      voided: t.voidedAt !== null,
      resold: t.resoldAt !== null,
    })),
    perks: perks.map((p) => ({ code: p.code, name: p.name })),
  };
}
