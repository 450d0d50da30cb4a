// The orders store as the domain code sees it (core/hold-ending.ts): an order as stored, and the
// few calls ending a hold needs. The PostgreSQL repository (server/src/adapters/postgres/
// orders-repo.ts) implements it; status moves are compare-and-set on the current status.
import type { PaymentProviderName } from "../api/events.js";
import type { OrderItemView } from "../api/orders.js";
import type { OrderStatus } from "../protocol.js";

export type OrderItem = OrderItemView;

export interface OrderRecord {
  id: string;
  eventId: string;
  fanId: string;
  email: string;
  status: OrderStatus;
  admissionJti: string;
  holdId: string;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  orderTokenHash: string;
  /** The provider the order's payment session is with (refunds go there). */
  paymentProvider: PaymentProviderName;
  paymentSessionId: string | null;
  paymentUrl: string | null;
  expiresAt: string;
  createdAt: string;
  paidAt: string | null;
  /** The presale or promo code the order was placed with (its hold took one of the code's uses). */
  codeId?: string | null;
  code?: string | null;
}

export interface OrderStatusStore {
  get(id: string): Promise<OrderRecord | null>;
  /** Compare-and-set on the status; whether this call made the move. */
  moveStatus(id: string, from: OrderStatus, to: OrderStatus): Promise<boolean>;
  /** Held orders whose expiry is at or before `cutoff`, oldest first. */
  dueHolds(cutoff: Date, limit: number): Promise<OrderRecord[]>;
}
