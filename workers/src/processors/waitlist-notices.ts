// Waiting-list notices: each signed-in fan on a waiting list who was offered a ticket is sent "a
// ticket came back for you" (until when, and the event page to claim it on). Off the admission path,
// like the resale notices: the ticker only writes the row; this sweep (notice-sweep.ts) sends it.
// The lease is waitlist-repo.ts's.
import type { ClaimedWaitlistNotice } from "@stampede/server/adapters/postgres/waitlist-repo";
import { waitlistOfferMessage } from "@stampede/server/adapters/mail/waitlist-messages";
import { noticeSweep } from "./notice-sweep.js";

export const waitlistNoticesProcessor = noticeSweep<ClaimedWaitlistNotice>({
  queue: "waitlist-notices",
  what: "waiting-list notice",
  claimDue: (deps, limit, leaseMs) => deps.mail.waitlist.claimDue(limit, leaseMs),
  async send({ mail }, claimed) {
    const content = await mail.waitlist.content(claimed);
    if (!content) return; // no account any more: nobody to write to, and nothing to retry
    const message = waitlistOfferMessage(content, { from: mail.from, eventUrl: mail.eventUrl(claimed.eventId) });
    await mail.transport.send(message, `waitlist-offer-${claimed.eventId}-${claimed.fanId}-${claimed.jti}`);
  },
  markSent: ({ mail }, claimed) => mail.waitlist.markSent(claimed),
  markFailed: ({ mail }, claimed, error, retryInMs) => mail.waitlist.markFailed(claimed, error, retryInMs),
});
