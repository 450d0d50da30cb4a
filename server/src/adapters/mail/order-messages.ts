// The order emails' words: the confirmation (each ticket's QR code as an inline image, referenced
// by its Content-ID, with its short code under it, and the link back to the order page) and the
// refund notice, each as plain text and simple HTML. Everything that comes from people — the
// fan's address, the event's and tiers' names an admin typed — is escaped before it goes into
// HTML, and squashed to one line before it goes into a header.
import QRCode from "qrcode";
import type { EmailTicket, OrderEmailContent, OrderEmailKind } from "../postgres/order-emails-repo.js";
import type { MailMessage } from "./transport.js";

export interface MessageContext {
  from: string;
  /** The order page, with the order's token (see shared/src/core/order-token.ts). */
  orderUrl: string;
}

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** One line for a header: no CR/LF (nodemailer encodes, but a header is never the place for a break). */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(cents / 100);
}

export function when(startsAt: Date | null): string | null {
  if (!startsAt) return null;
  const format = new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" });
  return `${format.format(startsAt)} UTC`;
}

/** The Content-ID a ticket's QR image is attached under (and its HTML refers to). */
export const qrContentId = (ticket: Pick<EmailTicket, "id">): string => `ticket-${ticket.id}@stampede`;

// Same look as the order page's download (orders.ts): margin 2, error correction M; 4 pixels a
// module (about 200 px wide, plenty for a phone held under a scanner): the PNG's cost grows with
// its pixels, and a sale's confirmations are rendered while it still sells (6 ms at 6 px, 3.5 at 4).
const qrPng = (code: string): Promise<Buffer> =>
  QRCode.toBuffer(code, { type: "png", margin: 2, scale: 4, errorCorrectionLevel: "M" });

export async function orderMessage(
  kind: OrderEmailKind,
  content: OrderEmailContent,
  ctx: MessageContext,
): Promise<MailMessage> {
  const base = {
    from: ctx.from,
    to: content.email,
    // The same Message-ID every time this order's message is sent: a duplicate (a crash between the
    // send and its stamp) is recognisably the same message to mail systems that collapse them.
    messageId: `<${kind}.${content.orderId}@stampede>`,
    headers: { "Auto-Submitted": "auto-generated" },
  };
  return kind === "confirmation"
    ? { ...base, ...(await confirmation(content, ctx)) }
    : { ...base, ...refundNotice(content, ctx) };
}

function eventLines(content: OrderEmailContent): string[] {
  const starts = when(content.event.startsAt);
  return [content.event.name, content.event.venue, starts].filter((l): l is string => !!l);
}

async function confirmation(content: OrderEmailContent, ctx: MessageContext): Promise<MailMessage> {
  const event = eventLines(content);
  const total = money(content.totalCents, content.currency);
  const text = [
    `Thank you: your order is paid (${total}).`,
    "",
    ...event,
    "",
    `Your tickets (${content.tickets.length}) — show the QR code at the door, or type the code under it:`,
    ...content.tickets.map((t) => `  ${t.className} (${t.classCode}): ${t.shortCode}`),
    "",
    `Your order, with the tickets: ${ctx.orderUrl}`,
    "Keep this link to yourself: whoever has it can see your tickets.",
  ].join("\n");
  const tickets = content.tickets
    .map(
      (t) =>
        `<div style="margin:16px 0"><img src="cid:${escapeHtml(qrContentId(t))}" width="240" height="240" ` +
        `alt="QR code of ticket ${escapeHtml(t.shortCode)}"><br>` +
        `<strong>${escapeHtml(t.className)}</strong> (${escapeHtml(t.classCode)}) · ` +
        `<code>${escapeHtml(t.shortCode)}</code></div>`,
    )
    .join("\n");
  const html = page(
    `<p>Thank you: your order is paid (${escapeHtml(total)}).</p>
<p>${event.map(escapeHtml).join("<br>")}</p>
<p>Your tickets — show the QR code at the door, or type the code under it:</p>
${tickets}
<p><a href="${escapeHtml(ctx.orderUrl)}">Your order, with the tickets</a>.
Keep this link to yourself: whoever has it can see your tickets.</p>
<p style="color:#666">Sent to ${escapeHtml(content.email)}.</p>`,
  );
  const attachments = await Promise.all(
    content.tickets.map(async (t) => ({
      filename: `ticket-${t.shortCode}.png`,
      content: await qrPng(t.code),
      contentType: "image/png",
      cid: qrContentId(t),
    })),
  );
  return { subject: oneLine(`Your tickets: ${content.event.name}`), text, html, attachments };
}

function refundNotice(content: OrderEmailContent, ctx: MessageContext): MailMessage {
  const event = eventLines(content);
  const total = money(content.totalCents, content.currency);
  const items = content.items.map((i) => `${i.quantity} × ${i.code}`);
  const text = [
    `Your order has been refunded: ${total} goes back to the way you paid.`,
    "",
    ...event,
    `Order: ${items.join(", ")}`,
    "Its tickets are no longer valid.",
    "",
    `Your order: ${ctx.orderUrl}`,
  ].join("\n");
  const html = page(
    `<p>Your order has been refunded: <strong>${escapeHtml(total)}</strong> goes back to the way you paid.</p>
<p>${event.map(escapeHtml).join("<br>")}</p>
<p>Order: ${items.map(escapeHtml).join(", ")}. Its tickets are no longer valid.</p>
<p><a href="${escapeHtml(ctx.orderUrl)}">Your order</a></p>
<p style="color:#666">Sent to ${escapeHtml(content.email)}.</p>`,
  );
  return { subject: oneLine(`Refund: ${content.event.name}`), text, html };
}

export const page = (body: string): string =>
  `<!doctype html>\n<html><body style="font-family:sans-serif;max-width:600px">\n${body}\n</body></html>\n`;
