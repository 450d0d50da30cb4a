// MockPay webhook delivery when MockPay runs inside the server: the workers deliver its events
// (the processor lives with MockPay, server/src/mockpay/delivery-processor.ts, which its own
// process runs too). With MOCKPAY_URL set, MockPay delivers itself and the workers leave this queue.
import { mockpayDeliveryQueue } from "@stampede/server/mockpay/delivery-processor";
import type { ProcessorEntry } from "./types.js";

export const mockpayWebhookProcessor: ProcessorEntry = mockpayDeliveryQueue;
