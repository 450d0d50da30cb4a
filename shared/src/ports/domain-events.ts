// What happened to an order, told once to every node (the Redis stream adapter in server/src/
// adapters/redis/domain-events.ts): each node pushes it to its own sockets.
import type { OrderStatus, SaleEventType } from "../protocol.js";

export type DomainEventType = SaleEventType;

export interface DomainEvent {
  type: DomainEventType;
  orderId: string;
  eventId: string;
  fanId: string;
  status: OrderStatus;
  quantity: number;
  totalCents: number;
  atMs: number;
}

export interface DomainEventPublisher {
  publish(event: DomainEvent): Promise<void>;
}
