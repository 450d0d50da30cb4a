// Resale notices: each seller whose listing sold is sent "your ticket was resold" (the ticket now
// void, the payout, their account page). Off the payment path, like order emails: the settlement
// only marks the listing sold; this sweep (notice-sweep.ts) notices. The lease is
// resale-notices-repo.ts's.
import type { ClaimedResaleNotice } from "@stampede/server/adapters/postgres/resale-notices-repo";
import { resaleSoldMessage } from "@stampede/server/adapters/mail/resale-messages";
import { noticeSweep } from "./notice-sweep.js";

export const resaleNoticesProcessor = noticeSweep<ClaimedResaleNotice>({
  queue: "resale-notices",
  what: "resale notice",
  claimDue: (deps, limit, leaseMs) => deps.mail.resaleNotices.claimDue(limit, leaseMs),
  async send({ mail }, { listingId }) {
    const content = await mail.resaleNotices.content(listingId);
    if (!content) throw new Error("sold listing not found");
    const message = resaleSoldMessage(content, { from: mail.from, accountUrl: mail.accountUrl });
    await mail.transport.send(message, `resale-sold-${listingId}`);
  },
  markSent: ({ mail }, { listingId }) => mail.resaleNotices.markSent(listingId),
  markFailed: ({ mail }, { listingId }, error, retryInMs) => mail.resaleNotices.markFailed(listingId, error, retryInMs),
});
