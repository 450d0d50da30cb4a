// The sales feed's words: what happened to an order, from the domain event's type and status.
import type { AdminSale } from "@stampede/shared/protocol";

export type SaleTone = "good" | "neutral" | "bad";

export function saleWords(sale: Pick<AdminSale, "type" | "status">): { text: string; tone: SaleTone } {
  switch (sale.type) {
    case "hold.placed":
      return { text: "Hold placed", tone: "neutral" };
    case "order.paid":
    case "hold.posted":
      return { text: "Paid", tone: "good" };
    case "hold.expired":
      return { text: "Hold expired", tone: "bad" };
    case "hold.voided":
      return {
        text:
          sale.status === "payment_failed"
            ? "Payment failed"
            : sale.status === "cancelled"
              ? "Cancelled"
              : "Hold released",
        tone: "bad",
      };
    case "order.refunded":
      return { text: "Refunded", tone: "bad" };
    default:
      return { text: sale.status.replace(/_/g, " "), tone: "neutral" };
  }
}
