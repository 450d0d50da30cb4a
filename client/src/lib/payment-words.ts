// The payment providers and the payments the shop could not settle, in the admin pages' words.
import type { AdminStatsView } from "@stampede/shared/api/admin";
import type { PaymentProviderName } from "@stampede/shared/api/events";
import { formatCount } from "./format.js";

export const providerLabels: Record<PaymentProviderName, string> = {
  mockpay: "MockPay",
  stripe: "Stripe",
};

/** A provider's name for people; one this page does not know yet shows as the server said it. */
export function providerLabel(provider: string): string {
  return (providerLabels as Record<string, string | undefined>)[provider] ?? provider;
}

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/** What the mismatch alert says, or null when there is nothing to sort out. */
export function mismatchSummary(m: AdminStatsView["paymentMismatches"]): { text: string; more: string | null } | null {
  if (m.payments === 0) return null;
  const payments = plural(m.payments, "payment", "payments");
  const orders = plural(m.orders, "order", "orders");
  const hidden = m.orders - m.orderIds.length;
  return {
    text:
      `${payments} for ${orders} came with another amount or currency than the order's and ` +
      `${m.payments === 1 ? "was" : "were"} not settled: no tickets were issued. ` +
      "Check each with the payment provider, then refund the money or sort the order out by hand.",
    more: hidden > 0 ? `…and ${plural(hidden, "older order", "older orders")}.` : null,
  };
}
