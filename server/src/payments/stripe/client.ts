// The Stripe API client both halves of the Stripe adapter use (the provider's calls, and the
// webhooks' one look-up), and how its failures read in the port's terms. Retries are the shop's
// (every call it makes is idempotent), so the SDK retries nothing by default; its connections are
// kept alive and bounded, like MockPay's client.
import http from "node:http";
import https from "node:https";
import Stripe from "stripe";
import { paymentProviderCallTimeoutMs, paymentProviderConnectionsMax } from "@stampede/shared/limits";
import { PaymentProviderUnavailableError } from "@stampede/shared/ports/payment-provider";

export interface StripeConnectionOptions {
  /** The account's secret key (sk_live_… / sk_test_…, or a restricted key allowing Checkout Sessions and Refunds). */
  apiKey: string;
  /** The SDK's own options: where the API is (api.stripe.com:443 over https unless told; tests name their stand-in). */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
  /** Per request: waiting for the connection, sending and the whole answer. */
  timeoutMs?: number;
  /** The SDK's own retries of a failed request; 0 unless told, because the shop retries itself. */
  maxNetworkRetries?: number;
}

export interface StripeClient {
  stripe: Stripe;
  /** Drops the kept-alive connections (a test's or a shutdown's end). */
  close(): void;
}

export function createStripeClient(options: StripeConnectionOptions): StripeClient {
  const secure = (options.protocol ?? "https") === "https";
  const agentOptions = { keepAlive: true, maxSockets: paymentProviderConnectionsMax };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const stripe = new Stripe(options.apiKey, {
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
    timeout: options.timeoutMs ?? paymentProviderCallTimeoutMs,
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    httpAgent: agent,
    appInfo: { name: "Stampede" },
  });
  return { stripe, close: () => agent.destroy() };
}

const errors = Stripe.errors;

/** The API's "no such object" answer (404 resource_missing). */
export function isMissing(err: unknown): boolean {
  return err instanceof errors.StripeInvalidRequestError && err.code === "resource_missing";
}

/**
 * What a failed call means to the shop. No answer, a timeout, 429 (rate limited), 409 (another
 * request with the same idempotency key is still running), 5xx and an answer that is not JSON:
 * nothing to conclude, repeat later — PaymentProviderUnavailableError. Anything else (a refused
 * key, a request Stripe finds invalid) is a bug or a misconfiguration: it fails loudly, with
 * Stripe's message.
 */
export function stripeFailure(err: unknown, what: string): Error {
  if (!(err instanceof errors.StripeError)) return err instanceof Error ? err : new Error(String(err));
  const status = err.statusCode;
  const unavailable =
    err instanceof errors.StripeConnectionError ||
    err instanceof errors.StripeRateLimitError ||
    status === 409 ||
    (status !== undefined && status >= 500) ||
    // No status: an answer that was not Stripe's JSON at all (an intermediary's error page).
    (err instanceof errors.StripeAPIError && status === undefined);
  const detail = `${status === undefined ? "no answer" : `HTTP ${status}`}: ${err.message}`;
  if (unavailable)
    return new PaymentProviderUnavailableError(`Stripe did not answer ${what} (${detail})`, { cause: err });
  if (err instanceof errors.StripeAuthenticationError || err instanceof errors.StripePermissionError)
    return new Error(`Stripe refused the API key ${what} (${detail}): is the configured secret key right?`, {
      cause: err,
    });
  return new Error(`Stripe refused ${what} (${detail})`, { cause: err });
}
