// The payment providers one install takes payments with, by the name an event chooses: MockPay
// always, Stripe Checkout when it is configured. An order keeps its provider's name, so its
// refund goes where its money went (core/payment-providers.ts picks one).
import type { PaymentProviderName } from "../api/events.js";
import type { PaymentProvider } from "./payment-provider.js";

export type PaymentProviders = { readonly mockpay: PaymentProvider } & Readonly<
  Partial<Record<PaymentProviderName, PaymentProvider>>
>;
