// Every limit in one place, unit last in the name, each with a one-line why.

/** Largest JSON request body; bigger requests are answered 413 before any work is done. */
export const httpJsonBodyBytesMax = 64 * 1024;
/** A readiness probe must answer fast; a dependency slower than this counts as down. */
export const readinessCheckTimeoutMs = 1_000;
/** A start must not hang on a dead dependency; fail with a clear line instead. */
export const startupConnectTimeoutMs = 3_000;
/** Graceful shutdown waits this long for in-flight requests before cutting connections. */
export const shutdownDrainMsDefault = 10_000;
/** Admin sessions end after this long without use. */
export const adminSessionTtlSeconds = 12 * 60 * 60;
/** Wait after a first wrong password from one IP for one username; each further failure doubles it: slows a guesser, not the owner. */
export const adminLoginBackoffBaseMs = 1_000;
/** Longest wait between two checked attempts (reached after ~9 failures): a guesser gets ~12 tries an hour, the owner waits minutes at most. */
export const adminLoginBackoffMaxMs = 5 * 60 * 1000;
/** Failures are forgotten this long after the last one (the window of the per-IP cap too). */
export const adminLoginWindowSeconds = 15 * 60;
/** Failed (or in-flight) login attempts per IP across all usernames in the window: a cap on credential stuffing. */
export const adminLoginAttemptsPerIpMax = 50;
/** Unknown short codes per scanner account per minute at check-in: stewards rarely mistype 20 a minute; guessers get nowhere (see core/short-code.ts). */
export const checkinShortCodeMissesPerMinuteMax = 20;
/** Shortest admin password accepted when an account is created. */
export const adminPasswordLengthMin = 8;
/** Hold duration bounds from the contract (holdSeconds 5..3600). */
export const holdSecondsMin = 5;
export const holdSecondsMax = 3_600;
/** Page size cap for list endpoints: bounds one response's work. */
export const listPageSizeMax = 200;
/** Sales-feed lines on the dashboard, and the recent history it loads on open: a screenful. */
export const salesFeedLinesMax = 50;
/** Order ids the dashboard's payment-mismatch alert lists (newest first); the counts cover them all. */
export const paymentMismatchOrdersShownMax = 20;

// The ledger.
/** TigerBeetle's largest request (events per batch); every ledger backend holds to it. */
export const ledgerBatchEventsMax = 8_189;
/** The auto-batcher sends at most this many transfers per call: bounds one transaction's lock time. */
export const ledgerBatchTransfersMax = 2_000;
/** Longest a transfer waits for company before its batch goes out: bounds the latency batching adds. */
export const ledgerBatchWaitMs = 0;
/** Batches in flight per process: the next one is parsed and queued while the previous commits. */
export const ledgerBatchesInFlightMax = 2;
/** Every ledger call answers within this or fails as unavailable; the caller retries with the same ids. */
export const ledgerCallTimeoutMs = 2_000;

// Fans.
/** A fan session (anonymous, signed) lasts this long: long enough to keep a place in line across a whole sale. */
export const fanTokenTtlSeconds = 7 * 24 * 3600;
/** A dropped socket that reconnects within this window gets its rooms and missed packets back. */
export const socketRecoveryWindowMs = 2 * 60 * 1000;

// The waiting room.
/** Fans numbered per pre-queue opening script call: numbering 20k fans must not block Redis in one go. */
export const preQueueOpenBatchFansMax = 1_000;
/** Away fans returned per presence sweep: bounds one sweep's work; the rest come on the next sweep. */
export const awayDueBatchFansMax = 1_000;
/** Random bytes in a new lottery seed: far beyond guessing from the published hash. */
export const lotterySeedBytes = 32;
/** Shortest seed a lottery accepts: a short seed could be brute-forced from its published hash. */
export const lotterySeedBytesMin = 16;
/** Connections of the PostgreSQL ledger's own pool: batches run one at a time, a few more serve reads. */
export const ledgerPoolConnectionsMax = 6;
/** One admission tick: admissions are paid out per tick and queue:status goes out each tick, less often in a big room (frame-pacing.ts). */
export const admissionTickMs = 500;
/** Stock is read from the ledger and pushed at most this often per event (≤ 4 per second). */
export const stockTickMs = 250;
/** A ticker's leadership lease: if its node dies, another takes over within two lease periods. */
export const tickerLeaseMs = 2_000;
/** How often each node re-reads which events are live (status changes reach tickers this fast). */
export const liveEventsRefreshMs = 1_000;
/** Events read per cache entry stay this fresh for joins: a join must not cost a database read. */
export const eventCacheMs = 1_000;
/** Acks from the server to a socket call never take longer than this for the client to give up. */
export const socketAckTimeoutMs = 5_000;
/** Queue numbers per queue:departed push: a mass departure goes out over a few ticks, never as one huge frame. */
export const departuresPerPushMax = 2_000;
/** Queue joins per fan per minute: re-joins are cheap and idempotent, but a script hammering them is not a fan. */
export const joinsPerFanPerMinuteMax = 60;

// Payments.
/** A MockPay session can be completed this long after it was created (the contract's 24 h), even after the shop's hold ended. */
export const mockpaySessionTtlSeconds = 24 * 3600;
/** Webhook timestamps further than this from now are refused: bounds how long a captured webhook can be replayed. */
export const webhookToleranceSeconds = 300;
/** Longest MockPay-Signature header read: anything longer is garbage, refused before any HMAC work. */
export const webhookSignatureHeaderLengthMax = 2_048;
/** v1 signatures checked per header: a secret rotation needs two or three; dozens would only burn CPU. */
export const webhookSignaturesMax = 8;
/** Delivery attempts per webhook event: with the doubling backoff they span ~8 min, riding out a shop restart. */
export const webhookDeliveryAttemptsMax = 12;
/** First retry delay of a webhook delivery; each next one doubles, with jitter so a recovering shop is not hit by all retries at once. */
export const webhookBackoffBaseMs = 250;
/** One delivery attempt waits this long for the shop's answer, then counts as failed. */
export const webhookDeliveryTimeoutMs = 5_000;
/** A call from the shop to a payment provider in its own process (open a session, refund) gives up
 * after this long, queueing for a connection included; the hold answers 503 and may be repeated. */
export const paymentProviderCallTimeoutMs = 5_000;
/** Connections per server process to a payment provider in its own process (kept alive). */
export const paymentProviderConnectionsMax = 64;
/** Hold requests worked on at once per server process; later ones wait their turn (FIFO) before any
 * work, so a crowd of 10,000 attempts is served first come, first served instead of all at once. */
export const holdsInFlightMax = 256;
/** Hold requests waiting their turn per server process; past it, or while the oldest has waited
 * longer than holdQueueWaitMaxMs, a hold is refused at once: 503 overloaded with Retry-After. */
export const holdsQueuedMax = 4_096;
export const holdQueueWaitMaxMs = 1_000;
/** Webhooks settled at once per server process, and waiting their turn; past that, 503 overloaded
 * (the provider delivers again later). Settlement has its own database connections (settlementPoolMax). */
export const webhooksInFlightMax = 64;
export const webhooksQueuedMax = 2_048;
export const webhookQueueWaitMaxMs = 2_000;
/** Each server node writes its reading of the checkout's health to Redis this often. */
export const healthPublishMs = 1_000;
/** A health reading covers the last this-many ms (hold p95, settlement lag, pool waits). */
export const checkoutHealthWindowMs = 5_000;
/** Database connections kept for settlement alone, so a flood of holds never starves payments. */
export const settlementPoolMax = 8;
/** Orders listed in a fan's own orders for one event, newest first: bounds the answer (the limit per fan keeps the real count small). */
export const fanOrdersListMax = 20;
/** "My tickets" lists at most this many of an account's orders (newest first). */
export const accountOrdersListMax = 200;
/** Resale listings one answer lists at most (an event's for sale, an account's, the admin's table). */
export const resaleListingsListMax = 200;
/** Resale writes (list, re-price, withdraw, buy) one account may make a minute: a refused lock
 * still writes a failed ledger transfer, so hammering Buy on a locked listing is bounded. */
export const resaleWritesPerAccountPerMinute = 30;
/** How long a ticket listed while the sale is sold out is offered to the fans in line first (fair resale). */
export const resaleQueueFirstSeconds = 300;
/** Webhook deliveries in flight per workers process: a slow shop must not pin every connection. */
export const webhookDeliveryConcurrency = 48;
/** Delivered webhook jobs stay in BullMQ this long (inspection; re-enqueues of a delivered event dedupe against them). */
export const webhookJobsKeptSeconds = 3_600;
/** Extra chaos deliveries of one event at most: enough to exercise duplicates, bounded so duplicateRate 1 still ends. */
export const mockpayChaosDuplicatesMax = 3;
/** Reorder spread when no delay is configured: a later event can overtake an earlier one by up to this much. */
export const mockpayChaosReorderSpreadMs = 1_000;
/** Largest hosted-page form body (one outcome field). */
export const mockpayFormBodyBytesMax = 1_024;
/** Undelivered events re-enqueued per relay call: bounds one call's work; the rest come on the next call. */
export const mockpayRedeliverBatchMax = 500;
/** Queueing a webhook after its commit waits this long: BullMQ's connection would wait for Redis forever. */
export const webhookEnqueueTimeoutMs = 2_000;
/** The outbox relay runs this often in the workers: a webhook whose job was lost is re-queued within about this long. */
export const mockpayRelayEveryMs = 30_000;
/** The relay leaves younger events alone: their first delivery is normally still under way. */
export const mockpayRelayMinAgeSeconds = 60;

// Connections.
/** Open TCP connections per remote address by default: far above a NAT full of fans, far below the process's open-file limit. */
export const connectionsPerIpMaxDefault = 1_000;
/** Connections the kernel queues for a process before it accepts them (capped by net.core.somaxconn).
 * Node's own default (511) overflowed when 10,000 fans clicked at once: the kernel dropped the
 * handshakes past it and their retransmits took up to 30 s, so fans waited for a connection
 * the server would have answered at once. */
export const listenBacklogDefault = 4_096;
/** A connection with no traffic for this long is closed by default (above Socket.IO's 25 s long-poll, so a polling fan is never cut). */
export const httpIdleTimeoutMsDefault = 60_000;
/** A kept-alive HTTP connection waits this long for its next request before it is closed: as long as
 * any silent connection. Node's own 5 s closed the connections of fans waiting in line and of the
 * payment provider between bursts, and a busy server accepts new ones slowly (one per turn of its
 * event loop): in an overload run, webhooks took 4.8 s (p50) from the provider's event to the shop's
 * answer with 5 s, where the server spent 0.12 s on each; 0.3 s with 60 s (bench/README.md). */
export const httpKeepAliveTimeoutMs = httpIdleTimeoutMsDefault;
/** A request's headers must arrive within this: slow-header clients are cut. Node (18+) applies it only
 * while a request's headers are arriving, so an idle kept-alive connection is not cut by it. */
export const httpHeadersTimeoutMs = 10_000;
/** A Socket.IO connection must finish its handshake and fan auth within this, or it is closed. */
export const socketConnectTimeoutMs = 5_000;

/** Each server node looks for refunds left pending (a crash or provider outage between commit and refund) this often. */
export const refundResumeEveryMs = 60_000;
/** A pending refund younger than this is still being run by the request that recorded it. */
export const refundResumeAfterSeconds = 30;
/** `npm start` restarts a child that died after this long, doubling each time it dies again soon after. */
export const restartBackoffBaseMs = 1_000;
/** ...up to this long: a dependency that is down for minutes is retried about twice a minute. */
export const restartBackoffMaxMs = 30_000;
/** A child that ran this long before dying starts again from the base backoff. */
export const restartStableRunMs = 60_000;

/** Admission facts (joins, admissions, leaves) wait in a node's buffer at most this long before one upsert writes them. */
export const admissionRecordFlushMs = 1_000;
/** Fans a node buffers between flushes: a 100k-fan opening fits; beyond (PostgreSQL down), facts are dropped and counted. */
export const admissionRecordBufferFansMax = 200_000;
/** Facts per upsert statement: one statement stays well under the statement timeout. */
export const admissionRecordBatchFansMax = 5_000;
/** The public fairness summary is computed at most this often per event, however many boards read it. */
export const fairnessSummaryCacheMs = 5_000;
