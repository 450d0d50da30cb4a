// Client-side limits, unit last in the name, each with a one-line why.
// TODO(shared): move into shared/src/limits.ts when that file is free to edit.

/** The board re-reads the fairness audit's figures this often (the server recomputes them at most every 5 s). */
export const fairnessRefreshMs = 15_000;
/** No page waits forever on one HTTP call; long enough for a busy server on a phone network. */
export const apiRequestTimeoutMs = 10_000;

// The waiting room's socket.
/** Every queue:join / queue:leave waits this long for its ack, then retries: a busy server acks well within. */
export const socketAckTimeoutMs = 5_000;
/** Pause before a join that got no ack (or a retryable refusal) is sent again. */
export const joinRetryDelayMs = 2_000;
/** One Engine.IO handshake attempt: a proxy that swallows websockets hangs rather than fails. */
export const socketHandshakeTimeoutMs = 5_000;
/** Longest pause between reconnection attempts: a fan back online is back in line within this. */
export const socketReconnectDelayMaxMs = 5_000;
/** Failed connection attempts before the page falls back to REST polling (the socket keeps trying). */
export const socketConnectErrorsMax = 3;
/** No socket within this long after the page opens (or drops) → REST polling, the socket keeps trying. */
export const socketConnectGiveUpMs = 6_000;

// The REST fallback.
/** The contract's fallback rhythm: the fan's place is at most this stale. */
export const queuePollIntervalMs = 2_000;
/** While polling, stock (no socket pushes) is refreshed from the event every this many polls. */
export const stockRefreshEveryPolls = 5;

// The fan's place.
/** Departure pushes kept to count in when a join's answer arrives after them (a push or two is the usual overlap). */
export const recentDeparturePushesMax = 8;
/** Live pushes come every half second to 2 s (up to 5 s to a crowd past what a server holds within the contract; polling:
 * every 2 s); a place older than this may have moved, and the page says so. */
export const placeStaleAfterMs = 10_000;

// Countdowns and estimates.
/** Countdowns redraw once a second; screen readers hear them once a minute. */
export const countdownTickMs = 1_000;
/** The observed admission rate is measured over this window: long enough to smooth tick jitter. */
export const admissionRateWindowMs = 60_000;
/** An observed rate from less than this much history is noise, so the ETA does not use it. */
export const admissionRateSpanMinMs = 10_000;
/** At most this many ids of a lottery's order are drawn on the page; "find my id" searches them all. */
export const lotteryOrderShownMax = 100;

// A hold refused because the checkout is overloaded (503 overloaded, with Retry-After).
/** Automatic retries of one hold (same Idempotency-Key) before the fan is asked to press again. */
export const holdOverloadRetriesMax = 5;
/** Each retry waits Retry-After plus up to this fraction more, so fans refused together don't all come back at once. */
export const holdRetryJitterFraction = 0.5;
/** The wait when the answer names none. */
export const holdRetryAfterDefaultSeconds = 1;
/** A longer Retry-After is cut to this: a fan's turn is only minutes long. */
export const holdRetryAfterMaxSeconds = 30;
