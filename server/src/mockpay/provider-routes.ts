// MockPay's server-to-server API, for a shop that reaches MockPay as a separate process: open a
// payment session, refund one, pay a reseller out. All are the PaymentProvider port over HTTP
// (payments/mockpay-client.ts is the other end), idempotent like the port, and need the shop's key
// (Authorization: Bearer).
import { createHash, timingSafeEqual } from "node:crypto";
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { HttpError } from "../http/errors.js";
import type { OpenApiRegistry } from "../http/openapi.js";
import { defineRoute } from "../http/route.js";
import { sessionIdPattern, type MockPayService } from "./service.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares digests, so neither the length nor the bytes of the key leak through timing. */
function requireApiKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, _res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.get("authorization") ?? "");
    const valid = match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
    if (!valid) throw new HttpError(401, "unauthorized", "a valid MockPay API key is required");
    next();
  };
}

const httpUrl = z.url().refine((u) => /^https?:$/.test(new URL(u).protocol), "must be an http(s) URL");

export const createSessionBody = z.object({
  orderId: z.string().min(1).max(128),
  amountCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217, upper case"),
  description: z.string().max(500),
  returnUrl: httpUrl,
  payBy: z.iso.datetime({ offset: true }).optional(),
});
export const sessionCreated = z.object({ sessionId: z.string(), paymentUrl: z.string() });
const refundBody = z.object({
  reason: z.string().min(1).max(500),
  /** A partial refund (absent: the whole session); more than the session captured is refused (422). */
  amountCents: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});
export const refundAnswer = z.object({ refundId: z.string() });
const sessionParams = z.object({ sessionId: z.string().regex(sessionIdPattern, "not a payment session id") });
/** Text PostgreSQL stores as given (it refuses a NUL character outright). */
const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((v) => !v.includes("\u0000"), "must not contain a NUL character");
export const payoutBody = z.object({
  payoutKey: text(1, 128),
  amountCents: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217, upper case"),
  recipient: text(1, 128),
  description: text(0, 500),
});
export const payoutAnswer = z.object({ payoutId: z.string(), status: z.literal("paid") });

export function providerRoutes(service: MockPayService, registry: OpenApiRegistry, apiKey: string): Router {
  const router = Router();
  const guards = [requireApiKey(apiKey)];
  const tags = ["mockpay"];
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/mockpay/api/sessions",
      summary: "MockPay: open the payment session of an order (one per order; a repeat returns it)",
      tags,
      guards,
      body: createSessionBody,
      responses: {
        200: { description: "the order's session", schema: sessionCreated },
        401: { description: "no or wrong API key" },
        409: { description: "the order has a session for another amount or currency" },
      },
    },
    async ({ body }, _req, res) => {
      const session = await service.openSession(body);
      if ("conflict" in session) throw new HttpError(409, "conflict", session.conflict);
      res.json(session);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/mockpay/api/sessions/:sessionId/refund",
      summary: "MockPay: refund a paid session, in full or amountCents of it (a repeat returns the first refund)",
      tags,
      guards,
      params: sessionParams,
      body: refundBody,
      responses: {
        200: { description: "refunded", schema: refundAnswer },
        401: { description: "no or wrong API key" },
        404: { description: "unknown session" },
        409: { description: "the session was not paid" },
        422: { description: "amountCents is not a whole number from 1 to what the session captured" },
      },
    },
    async ({ params, body }, _req, res) => {
      const { reason, amountCents } = body;
      const outcome = await service.refundSession({
        sessionId: params.sessionId,
        reason,
        ...(amountCents === undefined ? {} : { amountCents }),
      });
      if ("invalid" in outcome) throw new HttpError(422, "invalid_request", outcome.invalid);
      if (outcome.kind === "refunded") return res.json({ refundId: outcome.refundId });
      if (outcome.reason === "unknown_session") throw new HttpError(404, "not_found", "no such payment session");
      throw new HttpError(409, "conflict", "the session was not paid", { reason: outcome.reason });
    },
  );
  payoutRoute(router, registry, service, guards);
  return router;
}

function payoutRoute(router: Router, registry: OpenApiRegistry, service: MockPayService, guards: RequestHandler[]) {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/mockpay/api/payouts",
      summary: "MockPay: pay money out to a recipient, paid at once (one payout per payoutKey; a repeat returns it)",
      tags: ["mockpay"],
      guards,
      body: payoutBody,
      responses: {
        200: { description: "the key's payout", schema: payoutAnswer },
        401: { description: "no or wrong API key" },
        409: { description: "the key has a payout for another amount or currency" },
      },
    },
    async ({ body }, _req, res) => {
      const payout = await service.makePayout(body);
      if ("conflict" in payout) throw new HttpError(409, "conflict", payout.conflict);
      res.json({ payoutId: payout.payoutId, status: "paid" });
    },
  );
}
