// Wires resale: the listings and purchases services on their repository, and the hub that tells
// an event's open pages its listings changed (the realtime layer listens once it is up; the
// settlement side lives with the checkout's, composition/checkout.ts).
import type { Ledger } from "@stampede/shared/ledger/port";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { Pool } from "../adapters/postgres/pool.js";
import { ResaleRepo } from "../adapters/postgres/resale-repo.js";
import type { EventRecord } from "../adapters/postgres/events-repo.js";
import { OrderTokens } from "../services/orders/order-token.js";
import { ResaleListings } from "../services/resale/listings.js";
import { ResalePurchases, type PurchasesDeps } from "../services/resale/purchases.js";

/** Listeners of "this event's listings changed", on this node. */
export class ResaleChanges {
  private readonly listeners = new Set<(eventId: string) => void>();

  on(listener: (eventId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly changed = (eventId: string): void => {
    for (const listener of this.listeners) listener(eventId);
  };
}

export interface ResaleWiring {
  /** Fans waiting in an event's line now. */
  waiting(eventId: string): Promise<number>;
  /** A hold's admission check (HoldsService.checkAdmission). */
  checkAdmission: PurchasesDeps["checkAdmission"];
  pool: Pool;
  ledger: Ledger;
  events: { get(id: string): Promise<EventRecord | null> };
  providers: PaymentProviders;
  secretKey: string;
  publicUrl: () => string;
  changes: ResaleChanges;
}

export function createResale(deps: ResaleWiring) {
  const repo = new ResaleRepo(deps.pool);
  const shared = {
    ...{ repo, ledger: deps.ledger, events: deps.events },
    ...{ changed: deps.changes.changed, waiting: deps.waiting },
  };
  const listings = new ResaleListings(shared);
  const purchases = new ResalePurchases({
    ...shared,
    listings,
    providers: deps.providers,
    orderTokens: new OrderTokens(deps.secretKey),
    publicUrl: deps.publicUrl,
    checkAdmission: deps.checkAdmission,
  });
  return { repo, listings, purchases };
}
