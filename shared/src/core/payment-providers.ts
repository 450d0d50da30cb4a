// Picking an event's or an order's payment provider from the ones this install has, and the
// checks every provider makes of a session request (a bad one is a bug in the shop, asserted).
import type { PaymentProviderName } from "../api/events.js";
import { assert } from "../assert.js";
import {
  PaymentProviderUnavailableError,
  type CreateSessionInput,
  type PaymentProvider,
} from "../ports/payment-provider.js";
import type { PaymentProviders } from "../ports/payment-providers.js";

/** The provider by name; one this install is not configured for is as unavailable as one that does not answer. */
export function providerFor(providers: PaymentProviders, name: PaymentProviderName): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw new PaymentProviderUnavailableError(`payment provider ${name} is not configured here`);
  return provider;
}

/** What every provider asserts of a session request before it opens one. */
export function assertSessionInput(input: CreateSessionInput): void {
  assert(input.orderId.length > 0 && input.orderId.length <= 128, "orderId must be 1..128 characters");
  assert(Number.isSafeInteger(input.amountCents) && input.amountCents >= 0, "amountCents must be a whole number ≥ 0");
  assert(/^[A-Z]{3}$/.test(input.currency), `currency must be ISO 4217 upper case, got ${input.currency}`);
  assert(
    URL.canParse(input.returnUrl) && /^https?:$/.test(new URL(input.returnUrl).protocol),
    "returnUrl must be an absolute http(s) URL",
  );
  assert(input.payBy === undefined || !Number.isNaN(Date.parse(input.payBy)), "payBy must be an ISO time");
}
