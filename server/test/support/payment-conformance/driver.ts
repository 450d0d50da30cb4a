// What the payment conformance suite needs of each provider (never used by production code): the
// port's two halves as the shop would build them, the receiver its deliveries arrive at, and the
// provider-specific ways to move a session (the fan on the provider's page, the bank, the clock)
// and to know when no more deliveries can come.
import type { PaymentProvider, PaymentWebhooks } from "@stampede/shared/ports/payment-provider";
import type { DeliveryReceiver } from "./receiver.js";

/** Where a session can end: paid, declined (for Stripe an async payment that failed), or never paid. */
export type Outcome = "succeeded" | "failed" | "canceled";

export interface ProviderUnderTest {
  provider: PaymentProvider;
  webhooks: PaymentWebhooks;
  receiver: DeliveryReceiver;
  /** Takes an open session to the outcome, the way it happens at this provider. */
  drive(sessionId: string, outcome: Outcome): Promise<void>;
  /** Resolves once no delivery of these sessions' events is queued, under way or waiting for a retry. */
  settled(sessionIds: readonly string[]): Promise<void>;
  /** Shaped like this provider's session ids, naming no session. */
  unknownSessionId: string;
  /** A signature header for these bytes: with the provider's secret unless another is given, at that time. */
  sign(raw: Buffer, options: { secret?: string; timestampSeconds: number }): string;
  /** The body of an event of a type the shop does not act on (a later version's, or one it never listens to). */
  unknownTypeBody(): Buffer;
  /** The body of an event the shop acts on, lacking a field the mapping needs. */
  incompleteBody(): Buffer;
  /** The provider's client pointed at a port where nothing listens. */
  unreachable(port: number): PaymentProvider & { close(): void };
  close(): Promise<void>;
}

export type ProviderFactory = () => Promise<ProviderUnderTest>;
