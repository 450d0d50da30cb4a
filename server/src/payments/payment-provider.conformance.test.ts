// Goal: every payment provider keeps the port's promises the same way — one session per order, each
// outcome exactly one event of the shop's with the right order, session, amount and currency, a
// late payment still a payment, refunds once, duplicates and reordered deliveries parsed alike,
// forgeries refused — by running the one conformance suite against: MockPay (served as its own
// process serves it, on its own database and Redis prefix, delivering through a real BullMQ
// worker) and Stripe (the adapter on the official SDK, against the local Stripe stand-in).
import { paymentConformanceSuite } from "../../test/support/payment-conformance/suite.js";
import { mockpayUnderTest } from "../../test/support/payment-conformance/mockpay-driver.js";
import { stripeUnderTest } from "../../test/support/payment-conformance/stripe-driver.js";

paymentConformanceSuite("MockPay", mockpayUnderTest);
paymentConformanceSuite("Stripe (stand-in)", stripeUnderTest);
