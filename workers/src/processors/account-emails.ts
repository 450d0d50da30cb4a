// Account emails: every few seconds (MAIL_SWEEP_EVERY_MS), claim the account links owing their
// email (a verification at sign-up, a password reset on request), send each, stamp it sent. Off the
// request path, like order emails: the server only writes the link's row. A claim is a lease
// (account-links-repo.ts), so two workers processes do not send one link twice; a failed send backs
// off and is tried again; a link that expired before it could be sent is not sent at all.
import type { Processor } from "bullmq";
import type { ClaimedAccountLink } from "@stampede/server/adapters/postgres/account-links-repo";
import { accountLinkMessage } from "@stampede/server/adapters/mail/account-messages";
import { emailLeaseMs, retryDelayMs } from "./order-emails.js";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";

export const accountEmailsQueue = "account-emails";
/** Links claimed per sweep; the rest wait for the next (a handful at a time, except after an outage). */
const batchMax = 20;

async function sendOne(deps: ProcessorDeps, claimed: ClaimedAccountLink): Promise<boolean> {
  const { mail, logger } = deps;
  const { linkId, purpose } = claimed;
  if (claimed.expired) {
    await mail.accountLinks.markSent(linkId, "expired before it could be sent");
    return false;
  }
  try {
    const url = mail.accountLinkUrl(purpose, linkId);
    await mail.transport.send(
      accountLinkMessage(purpose, { from: mail.from, to: claimed.email, linkId, url }),
      `${purpose}-${linkId}`,
    );
  } catch (err) {
    const retryInMs = retryDelayMs(claimed.attempts, mail.sweepEveryMs);
    logger.warn(
      { err, linkId, purpose, attempts: claimed.attempts + 1, retryInMs },
      "account email not sent: will retry",
    );
    await mail.accountLinks.markFailed(linkId, String(err), retryInMs).catch(() => {});
    return false;
  }
  await mail.accountLinks.markSent(linkId);
  return true;
}

export function createAccountEmailSweep(deps: ProcessorDeps): Processor {
  return async () => {
    const claimed = await deps.mail.accountLinks.claimDue(batchMax, emailLeaseMs);
    const sent = (await Promise.all(claimed.map((c) => sendOne(deps, c)))).filter(Boolean).length;
    if (claimed.length > 0) deps.logger.info({ sent, claimed: claimed.length }, "account emails swept");
    return { claimed: claimed.length, sent };
  };
}

export const accountEmailsProcessor: ProcessorEntry = {
  queue: accountEmailsQueue,
  concurrency: 1,
  create: createAccountEmailSweep,
  schedule: (deps) => ({ id: "sweep-account-emails", everyMs: deps.mail.sweepEveryMs }),
};
