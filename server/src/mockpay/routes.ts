// MockPay's HTTP surface, mounted at the app's root: the hosted page (HTML forms, 303 back to the
// shop) and a small JSON API for scripts and tests. Outcomes map to statuses here and only here.
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import { mockpayFormBodyBytesMax } from "@stampede/shared/limits";
import { HttpError } from "../http/errors.js";
import type { OpenApiRegistry } from "../http/openapi.js";
import { defineRoute } from "../http/route.js";
import { renderCheckoutPage, renderMessagePage, type MessagePage } from "./page.js";
import { checkoutScript, checkoutScriptPath } from "./page-script.js";
import { completionOutcomes, redirectUrlFor, type CompletionOutcome } from "./rules.js";
import { sessionIdPattern, WebhookQueueError, type CompleteOutcome, type MockPayService } from "./service.js";

const sessionParams = z.object({ sessionId: z.string().regex(sessionIdPattern, "not a payment session id") });
const completeBody = z.object({ outcome: z.enum(completionOutcomes) });
const redirectView = z.object({ redirectUrl: z.string() });
const sessionView = z.object({
  sessionId: z.string(),
  orderId: z.string(),
  status: z.enum(["open", "succeeded", "failed", "canceled", "expired"]),
  amountCents: z.number().int(),
  currency: z.string(),
  description: z.string(),
  returnUrl: z.string(),
  paymentUrl: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  completedAt: z.string().nullable(),
  refund: z.object({ refundId: z.string(), amountCents: z.number().int(), createdAt: z.string() }).nullable(),
});

const queueDownMessage =
  "the payment is recorded but its notification could not be queued; repeat the same request in a moment";

async function completeOr503(
  service: MockPayService,
  sessionId: string,
  outcome: CompletionOutcome,
): Promise<CompleteOutcome> {
  try {
    return await service.complete(sessionId, outcome);
  } catch (err) {
    if (err instanceof WebhookQueueError)
      throw new HttpError(503, "not_ready", queueDownMessage, undefined, { "Retry-After": "1" });
    throw err;
  }
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type("html").setHeader("Cache-Control", "no-store").send(html);
}

const unknownPage: MessagePage = {
  title: "Unknown payment",
  message: "This payment session does not exist. Check the link you were given by the shop.",
};
const expiredPage: MessagePage = {
  title: "Payment expired",
  message: "This payment session has expired. Go back to the shop to start again.",
};

function apiRoutes(router: Router, registry: OpenApiRegistry, service: MockPayService): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/mockpay/api/sessions/:sessionId",
      summary: "MockPay: read a payment session",
      tags: ["mockpay"],
      params: sessionParams,
      responses: { 200: { description: "the session", schema: sessionView }, 404: { description: "unknown session" } },
    },
    async ({ params }, _req, res) => {
      const view = await service.getSession(params.sessionId);
      if (!view) throw new HttpError(404, "not_found", "no such payment session");
      res.json(view);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/mockpay/api/sessions/:sessionId/complete",
      summary: "MockPay: pay, decline or cancel a session (idempotent per outcome)",
      tags: ["mockpay"],
      params: sessionParams,
      body: completeBody,
      responses: {
        200: { description: "completed (or already completed with this outcome)", schema: redirectView },
        404: { description: "unknown session" },
        409: { description: "completed with another outcome, or expired" },
        503: { description: "recorded, but the webhook could not be queued: repeat the request" },
      },
    },
    async ({ params, body }, _req, res) => {
      const outcome = await completeOr503(service, params.sessionId, body.outcome);
      switch (outcome.kind) {
        case "completed":
        case "already_completed":
          return res.json({ redirectUrl: outcome.redirectUrl });
        case "not_found":
          throw new HttpError(404, "not_found", "no such payment session");
        case "conflict":
          throw new HttpError(409, "conflict", `the session is already ${outcome.status}`, { status: outcome.status });
        case "expired":
          throw new HttpError(409, "conflict", "the session has expired", { status: "expired" });
      }
    },
  );
}

function pageRoutes(router: Router, service: MockPayService): void {
  router.get(checkoutScriptPath, (_req, res) => {
    res.type("text/javascript").setHeader("Cache-Control", "public, max-age=300").send(checkoutScript);
  });

  router.get("/mockpay/checkout/:sessionId", async (req: Request<{ sessionId: string }>, res) => {
    const view = await service.getSession(req.params.sessionId);
    if (!view) return sendPage(res, 404, renderMessagePage(unknownPage));
    if (view.status === "expired") return sendPage(res, 410, renderMessagePage(expiredPage));
    if (view.status !== "open") {
      const href = redirectUrlFor(view.returnUrl, view.sessionId, view.status);
      return sendPage(
        res,
        200,
        renderMessagePage({
          title: "Already completed",
          message: `This payment was already ${view.status}.`,
          link: { href, text: "Back to the shop" },
        }),
      );
    }
    sendPage(res, 200, renderCheckoutPage(view));
  });

  const form = express.urlencoded({ extended: false, limit: mockpayFormBodyBytesMax, parameterLimit: 10 });
  router.post("/mockpay/checkout/:sessionId/complete", form, async (req: Request<{ sessionId: string }>, res) => {
    const sessionId = req.params.sessionId;
    const body = completeBody.safeParse(req.body ?? {});
    if (!body.success)
      return sendPage(
        res,
        422,
        renderMessagePage({ title: "Invalid request", message: "Choose Pay, Decline or Cancel on the payment page." }),
      );
    let outcome: CompleteOutcome;
    try {
      outcome = await service.complete(sessionId, body.data.outcome);
    } catch (err) {
      if (!(err instanceof WebhookQueueError)) throw err;
      res.setHeader("Retry-After", "1");
      return sendPage(res, 503, renderMessagePage({ title: "Please try again", message: queueDownMessage }));
    }
    switch (outcome.kind) {
      case "completed":
      case "already_completed":
        return res.redirect(303, outcome.redirectUrl);
      case "not_found":
        return sendPage(res, 404, renderMessagePage(unknownPage));
      case "expired":
        return sendPage(res, 409, renderMessagePage(expiredPage));
      case "conflict": {
        const view = await service.getSession(sessionId);
        const link = view
          ? { href: redirectUrlFor(view.returnUrl, sessionId, outcome.status), text: "Back to the shop" }
          : undefined;
        return sendPage(
          res,
          409,
          renderMessagePage({
            title: "Already completed",
            message: `This payment was already ${outcome.status}; it cannot change now.`,
            link,
          }),
        );
      }
    }
  });
}

export function mockpayRoutes(service: MockPayService, registry: OpenApiRegistry): Router {
  const router = Router();
  apiRoutes(router, registry, service);
  pageRoutes(router, service);
  return router;
}
