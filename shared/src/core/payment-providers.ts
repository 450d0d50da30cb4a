// Picking an event's or an order's payment provider from the ones this install has.
import type { PaymentProviderName } from "../api/events.js";
import { PaymentProviderUnavailableError, type PaymentProvider } from "../ports/payment-provider.js";
import type { PaymentProviders } from "../ports/payment-providers.js";

/** The provider by name; one this install is not configured for is as unavailable as one that does not answer. */
export function providerFor(providers: PaymentProviders, name: PaymentProviderName): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw new PaymentProviderUnavailableError(`payment provider ${name} is not configured here`);
  return provider;
}
