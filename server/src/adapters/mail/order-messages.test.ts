// Goal: the order emails' words, without a server — what people typed is escaped in the HTML and
// kept to one line in the subject, each ticket's QR image is attached inline under the Content-ID
// the HTML names, the refund notice carries no images; and the mail settings production refuses.
import { describe, expect, it } from "vitest";
import { loadConfig, mailProblems } from "../../config.js";
import type { OrderEmailContent } from "../postgres/order-emails-repo.js";
import { escapeHtml, orderMessage, qrContentId } from "./order-messages.js";

const content: OrderEmailContent = {
  orderId: "0190a000-0000-7000-8000-000000000001",
  email: `"x<script>"@example.test`,
  status: "paid",
  items: [{ classId: "c", code: "GA", quantity: 2, unitPriceCents: 1_250 }],
  totalCents: 2_500,
  currency: "EUR",
  event: { name: "Bad\r\nBcc: evil@example.test <img src=x onerror=alert(1)>", venue: "Hall & Co", startsAt: null },
  tickets: ["t1", "t2"].map((id) => ({
    id,
    classCode: "GA",
    className: "<i>GA</i>",
    code: `code-${id}`,
    shortCode: "AB",
  })),
};
const ctx = { from: "Shop <shop@example.test>", orderUrl: `https://shop.test/orders/1#token=a"b` };

describe("order messages", () => {
  it("escapes what people typed and attaches one inline QR per ticket", async () => {
    const m = await orderMessage("confirmation", content, ctx);
    const html = String(m.html);
    expect(html).not.toMatch(/<script>|<img src=x|<i>GA/);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&quot;x&lt;script&gt;&quot;@example.test");
    expect(html).toContain(`href="https://shop.test/orders/1#token=a&quot;b"`);
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.attachments).toHaveLength(2);
    for (const [i, a] of (m.attachments ?? []).entries()) {
      expect(a.cid).toBe(qrContentId(content.tickets[i]!));
      expect(html).toContain(`src="cid:${a.cid}"`);
      expect((a.content as Buffer).subarray(1, 4).toString()).toBe("PNG");
    }
    expect(m.messageId).toBe(`<confirmation.${content.orderId}@stampede>`);
  });

  it("tells of a refund with the amount and the link, without images", async () => {
    const m = await orderMessage("refund_notice", { ...content, status: "refunded" }, ctx);
    expect(m.text).toContain("€25.00");
    expect(m.text).toContain(ctx.orderUrl);
    expect(m.attachments).toBeUndefined();
    expect(escapeHtml(`<a href="x">'&`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  });

  it("needs SMTP_URL and MAIL_FROM under NODE_ENV=production, and only there", () => {
    const secrets = {
      ADMIN_PASSWORD: "a-long-password",
      MOCKPAY_WEBHOOK_SECRET: "w".repeat(20),
      SECRET_KEY: "k".repeat(40),
    };
    expect(mailProblems(loadConfig({}))).toEqual([]);
    expect(loadConfig({}).mail.smtpUrl).toBeNull();
    expect(mailProblems(loadConfig({ NODE_ENV: "production", ...secrets })).map((p) => p.split(":")[0])).toEqual([
      "SMTP_URL",
      "MAIL_FROM",
    ]);
    const ok = { NODE_ENV: "production", SMTP_URL: "smtps://u:p@mail.test:465", MAIL_FROM: "Shop <s@shop.test>" };
    expect(mailProblems(loadConfig({ ...ok, ...secrets }))).toEqual([]);
    expect(() => loadConfig({ SMTP_URL: "http://mail.test" })).toThrow(/SMTP_URL/);
  });
});
