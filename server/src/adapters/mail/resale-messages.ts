// The seller's resale notice: "your ticket was resold", sent once a listing sells, as plain text and
// simple HTML — which ticket, for which event, the price it sold at and when, that the seller's old
// ticket is now void (its code no longer admits anyone), the payout, and the link to their account
// page. Everything people typed (the event's and tier's names, the address) is escaped in HTML and
// squashed to one line in the subject, as in order-messages.ts.
import type { ResaleNoticeContent } from "../postgres/resale-notices-repo.js";
import { escapeHtml, money, oneLine, page, when } from "./order-messages.js";
import type { MailMessage } from "./transport.js";

export interface ResaleMessageContext {
  from: string;
  /** The seller's account page (PUBLIC_URL/account): their listings and payouts. */
  accountUrl: string;
}

/** The Message-ID of a listing's sold notice: the same on every send (a resend after a crash is the same message). */
export const resaleSoldMessageId = (listingId: string): string => `<resale-sold.${listingId}@stampede>`;

function eventLines(content: ResaleNoticeContent): string[] {
  const starts = when(content.event.startsAt);
  return [content.event.name, content.event.venue, starts].filter((l): l is string => !!l);
}

export function resaleSoldMessage(content: ResaleNoticeContent, ctx: ResaleMessageContext): MailMessage {
  const event = eventLines(content);
  const ticket = `${content.className} (${content.classCode})`;
  const price = money(content.priceCents, content.currency);
  const payout = money(content.payoutCents, content.currency);
  const sale = `Your ${ticket} ticket was resold for ${price} on ${when(content.soldAt) ?? ""}.`;
  const voidLine = "The ticket you listed is now void: its QR code and short code no longer admit anyone.";
  const payoutLine = `Your payout: ${payout} (${content.currency}).`;
  const text = [sale, "", ...event, "", voidLine, payoutLine, "", `Your listings and payouts: ${ctx.accountUrl}`].join(
    "\n",
  );
  const html = page(
    `<p>${escapeHtml(sale)}</p>
<p>${event.map(escapeHtml).join("<br>")}</p>
<p>${escapeHtml(voidLine)}</p>
<p>Your payout: <strong>${escapeHtml(payout)}</strong> (${escapeHtml(content.currency)}).</p>
<p><a href="${escapeHtml(ctx.accountUrl)}">Your listings and payouts</a></p>
<p style="color:#666">Sent to ${escapeHtml(content.email)}.</p>`,
  );
  return {
    from: ctx.from,
    to: content.email,
    subject: oneLine(`Your ticket for ${content.event.name} was resold`),
    messageId: resaleSoldMessageId(content.listingId),
    headers: { "Auto-Submitted": "auto-generated" },
    text,
    html,
  };
}
