// The account emails' words: "confirm your email" (sent at sign-up) and "reset your password" (on
// request), each as plain text and simple HTML with the one link, how long it works, and what to do
// when it was not you. The link carries its token in the fragment (account-links.ts).
import type { AccountLinkPurpose } from "@stampede/shared/core/account-links";
import { escapeHtml } from "./order-messages.js";
import type { MailMessage } from "./transport.js";

export interface AccountMessageContext {
  from: string;
  to: string;
  linkId: string;
  url: string;
}

const words: Record<AccountLinkPurpose, { subject: string; lead: string; action: string; lasts: string }> = {
  verify: {
    subject: "Confirm your email",
    lead: "Welcome to Stampede. Please confirm that this address is yours:",
    action: "Confirm my email",
    lasts: "The link works for 48 hours.",
  },
  reset: {
    subject: "Reset your password",
    lead: "Someone (we hope you) asked to reset the password of your Stampede account:",
    action: "Choose a new password",
    lasts: "The link works once, for one hour. If you did not ask, ignore this email: your password stays as it is.",
  },
};

export function accountLinkMessage(purpose: AccountLinkPurpose, ctx: AccountMessageContext): MailMessage {
  const w = words[purpose];
  const text = [w.lead, "", ctx.url, "", w.lasts].join("\n");
  const url = escapeHtml(ctx.url);
  const html = [
    `<p>${escapeHtml(w.lead)}</p>`,
    `<p><a href="${url}">${escapeHtml(w.action)}</a></p>`,
    `<p>${escapeHtml(w.lasts)}</p>`,
  ].join("\n");
  return {
    from: ctx.from,
    to: ctx.to,
    subject: w.subject,
    // The same Message-ID every time this link's email is sent (a resend after a crash is recognisably the same).
    messageId: `<${purpose}.${ctx.linkId}@stampede>`,
    headers: { "Auto-Submitted": "auto-generated" },
    text,
    html,
  };
}
