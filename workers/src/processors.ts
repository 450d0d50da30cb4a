// The job processors this process runs, one entry per BullMQ queue. Each processor lives in its
// own file and must be idempotent: BullMQ delivers at least once.
import { mockpayWebhookProcessor } from "./processors/mockpay-webhook.js";
import { holdExpiryProcessor } from "./processors/hold-expiry.js";
import { holdSweeperProcessor } from "./processors/hold-sweeper.js";
import { orderEmailsProcessor } from "./processors/order-emails.js";
import { accountEmailsProcessor } from "./processors/account-emails.js";
import { resaleNoticesProcessor } from "./processors/resale-notices.js";
import { waitlistNoticesProcessor } from "./processors/waitlist-notices.js";
import type { ProcessorEntry } from "./processors/types.js";

export const processors: ProcessorEntry[] = [
  mockpayWebhookProcessor,
  holdExpiryProcessor,
  holdSweeperProcessor,
  orderEmailsProcessor,
  accountEmailsProcessor,
  resaleNoticesProcessor,
  waitlistNoticesProcessor,
];
