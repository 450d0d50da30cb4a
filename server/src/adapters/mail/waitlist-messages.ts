// The waiting list's notice: "a ticket came back for you", sent when the room offers a returned
// ticket to a signed-in fan on the list — which event, until when the claim lasts, and the event page
// where they claim it (their turn is there, on the normal checkout). Names people typed are escaped
// in HTML and squashed to one line in the subject, as in order-messages.ts.
import type { WaitlistNoticeContent } from "../postgres/waitlist-repo.js";
import { escapeHtml, oneLine, page, when } from "./order-messages.js";
import type { MailMessage } from "./transport.js";

export interface WaitlistMessageContext {
  from: string;
  /** The event's page (PUBLIC_URL/events/<id>), where the claim is. */
  eventUrl: string;
}

/** The same on every send: a resend after a crash is the same message. */
export const waitlistOfferMessageId = (c: Pick<WaitlistNoticeContent, "eventId" | "fanId" | "jti">): string =>
  `<waitlist-offer.${c.eventId}.${c.fanId}.${c.jti}@stampede>`;

export function waitlistOfferMessage(content: WaitlistNoticeContent, ctx: WaitlistMessageContext): MailMessage {
  const event = [content.event.name, content.event.venue, when(content.event.startsAt)].filter((l): l is string => !!l);
  const until = `${content.claimDeadline.toISOString().replace("T", " ").slice(0, 16)} UTC`;
  const lead = "A ticket came back and it's your turn on the waiting list.";
  const claim = `Claim it before ${until}: after that it goes to the next fan in line.`;
  const text = [lead, "", ...event, "", claim, `Claim it here: ${ctx.eventUrl}`].join("\n");
  const html = page(
    `<p>${escapeHtml(lead)}</p>
<p>${event.map(escapeHtml).join("<br>")}</p>
<p>${escapeHtml(claim)}</p>
<p><a href="${escapeHtml(ctx.eventUrl)}">Claim your ticket</a></p>
<p style="color:#666">Sent to ${escapeHtml(content.email)}.</p>`,
  );
  return {
    from: ctx.from,
    to: content.email,
    subject: oneLine(`A ticket for ${content.event.name} is yours to claim`),
    messageId: waitlistOfferMessageId(content),
    headers: { "Auto-Submitted": "auto-generated" },
    text,
    html,
  };
}
