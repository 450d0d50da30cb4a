// The PaymentProvider port over HTTP, for MockPay in its own process (MOCKPAY_URL): the shop's
// calls go to MockPay's server-to-server API (mockpay/provider-routes.ts) with its API key, on
// kept-alive connections. A provider that does not answer in time, or answers 5xx, is
// "unavailable" (503 to the fan, safe to repeat: every call is idempotent); any other answer
// the port does not describe is a bug or a misconfiguration and fails loudly.
import { z } from "zod";
import { AssertionError } from "@stampede/shared/assert";
import { paymentProviderCallTimeoutMs, paymentProviderConnectionsMax } from "@stampede/shared/limits";
import { HttpPoster } from "../adapters/http-post.js";
import {
  PaymentProviderUnavailableError,
  type CreateSessionInput,
  type PaymentProvider,
  type PaymentSession,
  type PayoutInput,
  type RefundInput,
  type RefundOutcome,
} from "@stampede/shared/ports/payment-provider";

const sessionAnswer = z.object({ sessionId: z.string().min(1), paymentUrl: z.url() });
const refundAnswer = z.object({ refundId: z.string().min(1) });
const payoutAnswer = z.object({ payoutId: z.string().min(1), status: z.literal("paid") });

interface Answer {
  status: number;
  body: unknown;
}

export interface MockPayClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export class MockPayClient implements PaymentProvider {
  private readonly http = new HttpPoster({ connectionsMax: paymentProviderConnectionsMax });

  constructor(private readonly options: MockPayClientOptions) {}

  async createSession(input: CreateSessionInput): Promise<PaymentSession> {
    const answer = await this.post("/mockpay/api/sessions", input);
    if (answer.status === 200) return sessionAnswer.parse(answer.body);
    // The port asserts a changed amount for the same order: a bug in the caller, not an outcome.
    if (answer.status === 409)
      throw new AssertionError(`MockPay refused the session of order ${input.orderId}: ${describe(answer)}`);
    throw unexpected("opening a payment session", answer);
  }

  async refund(input: RefundInput): Promise<RefundOutcome> {
    const { reason, amountCents } = input;
    const answer = await this.post(`/mockpay/api/sessions/${encodeURIComponent(input.sessionId)}/refund`, {
      reason,
      ...(amountCents === undefined ? {} : { amountCents }),
    });
    if (answer.status === 200) return { kind: "refunded", refundId: refundAnswer.parse(answer.body).refundId };
    // The port asserts an amount outside 1..captured: a bug in the caller, not an outcome.
    if (answer.status === 422 && amountCents !== undefined)
      throw new AssertionError(`MockPay refused to refund ${amountCents} of ${input.sessionId}: ${describe(answer)}`);
    if (answer.status === 404) return { kind: "not_refundable", reason: "unknown_session" };
    if (answer.status === 409) return { kind: "not_refundable", reason: "not_succeeded" };
    throw unexpected("refunding", answer);
  }

  async payout(input: PayoutInput): Promise<{ payoutId: string }> {
    const answer = await this.post("/mockpay/api/payouts", input);
    if (answer.status === 200) return { payoutId: payoutAnswer.parse(answer.body).payoutId };
    // The port asserts a changed amount for the same key: a bug in the caller, not an outcome.
    if (answer.status === 409)
      throw new AssertionError(`MockPay refused the payout ${input.payoutKey}: ${describe(answer)}`);
    throw unexpected("paying out", answer);
  }

  close(): void {
    this.http.close();
  }

  private async post(path: string, body: unknown): Promise<Answer> {
    const headers = { "content-type": "application/json", authorization: `Bearer ${this.options.apiKey}` };
    const timeoutMs = this.options.timeoutMs ?? paymentProviderCallTimeoutMs;
    try {
      const answer = await this.http.post(
        new URL(path, this.options.baseUrl),
        JSON.stringify(body),
        headers,
        timeoutMs,
      );
      return { status: answer.status, body: parseJson(answer.body) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new PaymentProviderUnavailableError(`MockPay at ${this.options.baseUrl} did not answer: ${message}`, {
        cause: err,
      });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(answer: Answer): string {
  return `HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
}

function unexpected(what: string, answer: Answer): Error {
  if (answer.status >= 500) return new PaymentProviderUnavailableError(`MockPay failed ${what}: ${describe(answer)}`);
  return new Error(`MockPay answered ${what} with ${describe(answer)} (is MOCKPAY_API_KEY the same on both sides?)`);
}
