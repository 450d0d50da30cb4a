// What every processor is given and how it is registered: the one module the processors and the
// list of them (../processors.ts) both import, so neither imports the other.
import type { Processor } from "bullmq";
import type { Logger } from "@stampede/server/logger";
import type { Pool } from "@stampede/server/adapters/postgres/pool";
import type { Redis } from "@stampede/server/adapters/redis/connection";
import type { HoldEnding } from "@stampede/shared/core/hold-ending";
import type { OrdersRepo } from "@stampede/server/adapters/postgres/orders-repo";
import type { OrderEmailsRepo } from "@stampede/server/adapters/postgres/order-emails-repo";
import type { MailTransport } from "@stampede/server/adapters/mail/transport";
import type { AccountLinksRepo } from "@stampede/server/adapters/postgres/account-links-repo";
import type { AccountLinkPurpose } from "@stampede/shared/core/account-links";
import type { ResaleNoticesRepo } from "@stampede/server/adapters/postgres/resale-notices-repo";
import type { WaitlistRepo } from "@stampede/server/adapters/postgres/waitlist-repo";

export interface ProcessorDeps {
  logger: Logger;
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
  /** MOCKPAY_WEBHOOK_SECRET: signs MockPay's webhook deliveries. */
  webhookSecret: string;
  orders: OrdersRepo;
  /** Ends holds at expiry (void in the ledger, order expired, slot freed, fan told). */
  ending: HoldEnding;
  /** Order, account, resale and waiting-list emails: the work lists, where messages go, the From, each order's page,
   * each account link's address (with their tokens) and the account page (PUBLIC_URL/account). */
  mail: {
    emails: OrderEmailsRepo;
    accountLinks: AccountLinksRepo;
    accountLinkUrl: (purpose: AccountLinkPurpose, linkId: string) => string;
    resaleNotices: ResaleNoticesRepo;
    /** The waiting list's "a ticket came back for you" notices, and each event's page (where the claim is). */
    waitlist: WaitlistRepo;
    eventUrl: (eventId: string) => string;
    accountUrl: string;
    transport: MailTransport;
    from: string;
    orderUrl: (orderId: string) => string;
    sweepEveryMs: number;
  };
}

export interface Schedule {
  id: string;
  everyMs: number;
}

export interface ProcessorEntry {
  queue: string;
  concurrency: number;
  create: (deps: ProcessorDeps) => Processor;
  /** Repeatable jobs this queue runs on a schedule (registered idempotently at start); a function
   * when the period is a setting. */
  schedule?: Schedule | ((deps: ProcessorDeps) => Schedule);
}
