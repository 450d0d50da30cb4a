// The payment providers this server takes payments with and the webhook endpoints they deliver
// to: MockPay always (inside this server, or its own process at MOCKPAY_URL), Stripe Checkout
// when STRIPE_SECRET_KEY is set (events choose between them; an order keeps its provider).
import type { PaymentProviderName } from "@stampede/shared/api/events";
import type { PaymentProvider } from "@stampede/shared/ports/payment-provider";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { StripeConfig } from "../config.js";
import type { WebhookEndpoint } from "../http/routes/payment-webhook.js";
import { MockPayWebhooks } from "../payments/mockpay-webhooks.js";
import { createStripeClient, type StripeConnectionOptions } from "../payments/stripe/client.js";
import { StripeProvider } from "../payments/stripe/provider.js";
import { StripeWebhooks } from "../payments/stripe/webhooks.js";

export interface ProviderSet {
  providers: PaymentProviders;
  endpoints: WebhookEndpoint[];
  close(): void;
}

/** Stripe's SDK options: its own API unless STRIPE_API_URL points elsewhere (a local stand-in). */
export function stripeConnection(config: StripeConfig): StripeConnectionOptions {
  if (config.apiUrl === null) return { apiKey: config.secretKey };
  const url = new URL(config.apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  const port = url.port === "" ? (protocol === "http" ? 80 : 443) : Number(url.port);
  return { apiKey: config.secretKey, host: url.hostname, port, protocol };
}

/** MockPay's provider (made by the caller, in here or as a client) with Stripe beside it when configured. */
export function paymentProviderSet(
  mockpay: PaymentProvider,
  mockpaySecrets: () => string[],
  stripe: StripeConfig | null,
): ProviderSet {
  const endpoints: WebhookEndpoint[] = [
    { path: "/api/payments/webhook", provider: "mockpay", webhooks: new MockPayWebhooks({ secrets: mockpaySecrets }) },
  ];
  if (stripe === null) return { providers: { mockpay }, endpoints, close: () => {} };
  const connection = stripeConnection(stripe);
  const provider = new StripeProvider(connection);
  const lookups = createStripeClient(connection);
  const webhooks = new StripeWebhooks({ secrets: () => stripe.webhookSecrets, client: lookups });
  endpoints.push({ path: "/api/payments/stripe/webhook", provider: "stripe", webhooks });
  return {
    providers: { mockpay, stripe: provider },
    endpoints,
    close() {
      provider.close();
      lookups.close();
    },
  };
}

/** The providers events may choose on this server. */
export function configuredProviders(stripe: StripeConfig | null): PaymentProviderName[] {
  return stripe === null ? ["mockpay"] : ["mockpay", "stripe"];
}
