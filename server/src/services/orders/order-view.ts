// Builds the contract's OrderView (shared/src/api/orders.ts): the order, its tickets with QR links, its perks.
import type { Pool } from "../../adapters/postgres/pool.js";
import type { OrderView } from "@stampede/shared/api/orders";
import { formatShortCode } from "@stampede/shared/core/short-code";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";

export async function orderView(pool: Pool, order: OrderRecord, tokenForLinks: string | null): Promise<OrderView> {
  const [tickets, perks] = await Promise.all([
    pool.query(
      "SELECT id, class_code, code, short_code, checked_in_at, voided_at FROM tickets WHERE order_id = $1 ORDER BY class_code, id",
      [order.id],
    ),
    pool.query(
      "SELECT p.code, p.name FROM order_perks op JOIN perks p ON p.id = op.perk_id WHERE op.order_id = $1 ORDER BY p.code",
      [order.id],
    ),
  ]);
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
    tickets: tickets.rows.map((t) => ({
      ticketId: t.id,
      classCode: t.class_code,
      code: t.code,
      shortCode: formatShortCode(t.short_code),
      qrSvgUrl: `/api/tickets/${t.id}/qr.svg${query}`,
      qrPngUrl: `/api/tickets/${t.id}/qr.png${query}`,
      checkedInAt: t.checked_in_at ? (t.checked_in_at as Date).toISOString() : null,
      voided: t.voided_at !== null,
    })),
    perks: perks.rows.map((p) => ({ code: p.code, name: p.name })),
  };
}
