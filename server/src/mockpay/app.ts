// MockPay served on its own: its pages, its fan-facing API and (with a key) its API for the shop,
// with the same security headers, JSON parsing and error answers as the shop's app. Used by
// MockPay's own process (main.ts) and its test harness.
import express, { type Express } from "express";
import helmet from "helmet";
import { httpJsonBodyBytesMax } from "@stampede/shared/limits";
import { errorHandler, notFoundHandler } from "../http/errors.js";
import { healthRouter, type ReadinessChecks } from "../http/health.js";
import { requestLogging } from "../http/request-logging.js";
import type { Logger } from "../logger.js";
import type { MockPay } from "./index.js";

export function mockpayApp(mockpay: MockPay, options: { logger: Logger; readiness?: ReadinessChecks }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestLogging(options.logger));
  // The hosted page's form answers with a 303 to the shop's return URL, another origin: the CSP's
  // form-action must allow it (browsers apply it to the redirect too).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { formAction: ["'self'", "http:", "https:"], upgradeInsecureRequests: null },
      },
    }),
  );
  app.use(express.json({ limit: httpJsonBodyBytesMax }));
  if (options.readiness) app.use(healthRouter(options.readiness));
  app.use(mockpay.router);
  // Browsers ask every origin for one: no icon, and no 404 in the console of the payment page.
  app.get("/favicon.ico", (_req, res) => {
    res.status(204).end();
  });
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
