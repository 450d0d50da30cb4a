// Goal: order emails through the real stack, with two workers processes sweeping the same
// orders — a purchase brings exactly one confirmation to the buyer with one inline QR image per
// ticket (each referenced by its Content-ID in the HTML) and the link to the order page that opens
// the order; a refund brings a refund notice; an SMTP server refusing the recipient is tried again
// and the message delivered once it accepts, once; without SMTP_URL the messages are .eml files in
// the folder the workers print; under NODE_ENV=production, workers without SMTP refuse to start.
// A real SMTP server (smtp-server) runs in this process; the sweep runs every 200 ms, and the
// tests wait for messages to arrive, never for a time.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admittedFan, completePayment, getOrder, orderReaches, postAsFan } from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { startProcess, type RunningProcess } from "./support/processes.js";
import { smtpSink } from "./support/smtp-sink.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const sink = smtpSink();
let stack: TestStack;
let url = "";
let workers: RunningProcess[] = [];
const basic = basicAuth(stackAdmin.username, stackAdmin.password);

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.server.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.server.address() as AddressInfo;
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: "Stampede Tickets <tickets@shop.test>",
    MAIL_SWEEP_EVERY_MS: "200",
  });
  url = (await stack.addServer()).url;
  // The workers put the order page's address in the emails: the server's, which got a free port.
  // Two of them, sweeping the same orders: each message must still go out once.
  workers = [stack.addWorkers({ PUBLIC_URL: url }), stack.addWorkers({ PUBLIC_URL: url })];
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
});

/** An event on sale whose name would be markup if it were not escaped. */
async function saleEvent() {
  const event = await createEvent(url, stackAdmin, {
    name: `Mail <b>test</b> & "friends"`,
    venue: "The Hall",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 2_500, capacity: 50, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 100, perFanMax: 4 },
  });
  return { eventId: event.id, classId: event.classes[0]!.id };
}

/** A paid order of `quantity` tickets bought by `email`, through the public contract. */
async function buy(email: string, quantity: number) {
  const { eventId, classId } = await saleEvent();
  const fan = await admittedFan(url, eventId);
  try {
    const held = await postAsFan(url, `/api/events/${eventId}/holds`, fan.fanToken, {
      admissionToken: fan.admissionToken,
      items: [{ classId, quantity }],
      email,
    });
    expect(held.status).toBe(201);
    await completePayment(url, held.body.paymentUrl, "succeeded");
    await orderReaches(url, held.body.orderId, held.body.orderToken, "paid", 30_000);
    return { orderId: held.body.orderId, orderToken: held.body.orderToken };
  } finally {
    fan.close();
  }
}

const messagesOf = (orderId: string, kind: "confirmation" | "refund_notice") =>
  sink.arrived.filter((a) => a.mail.messageId === `<${kind}.${orderId}@stampede>`);

const arrives = (orderId: string, kind: "confirmation" | "refund_notice") =>
  waitFor(`${kind} of ${orderId}`, () => messagesOf(orderId, kind)[0], 30_000);

describe("order emails", () => {
  it("sends one confirmation with an inline QR per ticket and the order's link; a refund sends a notice", async () => {
    const email = "o'brien+mail@example.test";
    const { orderId, orderToken } = await buy(email, 2);
    const { to, mail } = await arrives(orderId, "confirmation");
    expect(to).toEqual([email]);
    expect(mail.from?.text).toContain("tickets@shop.test");
    expect(mail.subject).toBe(`Your tickets: Mail <b>test</b> & "friends"`);

    const order = await getOrder(url, orderId, orderToken);
    const images = mail.attachments.filter((a) => a.contentType === "image/png");
    expect(images).toHaveLength(order.tickets.length);
    expect(order.tickets).toHaveLength(2);
    const html = String(mail.html);
    for (const image of images) {
      expect(image.cid).toBeTruthy();
      expect(image.related).toBe(true); // inline (multipart/related), not a download
      expect(html).toContain(`src="cid:${image.cid}"`);
      expect(image.content.subarray(1, 4).toString()).toBe("PNG");
    }
    for (const ticket of order.tickets) expect(mail.text).toContain(ticket.shortCode);
    // Escaped where it comes from people: the event's name and the fan's address.
    expect(html).toContain("Mail &lt;b&gt;test&lt;/b&gt; &amp; &quot;friends&quot;");
    expect(html).not.toContain("<b>test</b>");
    expect(html).toContain("o&#39;brien+mail@example.test");

    const link = `${url}/orders/${orderId}#token=${orderToken}`;
    expect(mail.text).toContain(link);
    expect(html).toContain(`href="${link}"`);
    // The link opens the order: its token is the order's.
    const token = new URL(link).hash.replace(/^#token=/, "");
    expect((await getOrder(url, orderId, token)).status).toBe("paid");

    const refund = await fetch(`${url}/api/admin/orders/${orderId}/refund`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basic },
    });
    expect(refund.status).toBe(200);
    const notice = await arrives(orderId, "refund_notice");
    expect(notice.to).toEqual([email]);
    expect(notice.mail.subject).toBe(`Refund: Mail <b>test</b> & "friends"`);
    expect(notice.mail.text).toContain("$50.00");
    expect(notice.mail.text).toContain(link);
    expect(notice.mail.attachments).toHaveLength(0);
    // The refund notice was claimed by later sweeps than the confirmation's: it was not sent again.
    expect(messagesOf(orderId, "confirmation")).toHaveLength(1);
  }, 120_000);

  it("retries while the SMTP server refuses the recipient and delivers once, when it accepts", async () => {
    const email = "busy@example.test";
    sink.refusing.add(email);
    const { orderId } = await buy(email, 1);
    // Refused, backed off, tried again: at least twice before the server gives in.
    await waitFor("two refusals", () => sink.refusals.filter((r) => r === email).length >= 2, 20_000);
    expect(messagesOf(orderId, "confirmation")).toHaveLength(0);
    sink.refusing.delete(email);
    const { to } = await arrives(orderId, "confirmation");
    expect(to).toEqual([email]);
    // Another order bought after it went out is mailed too; by then this one had its stamp.
    const later = await buy("after-busy@example.test", 1);
    await arrives(later.orderId, "confirmation");
    expect(messagesOf(orderId, "confirmation")).toHaveLength(1);
  }, 120_000);

  it("writes .eml files to the folder it prints when there is no SMTP_URL", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "stampede-mail-"));
    try {
      // This workers process alone sweeps from now on: the SMTP ones are stopped first.
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
      const fileWorkers = stack.addWorkers({ PUBLIC_URL: url, SMTP_URL: "", MAIL_DIR: dir });
      await waitFor("the folder line", () => fileWorkers.output().includes(`.eml files to ${dir}`), 20_000);
      // Its queues too: the payment's webhook is delivered by a workers process, now this one.
      await waitFor("its queues", () => fileWorkers.output().includes("stampede workers running"), 20_000);
      const { orderId, orderToken } = await buy("files@example.test", 1);
      const file = await waitFor(
        "an .eml file",
        async () => (await readdir(dir)).find((f) => f.endsWith(`confirmation-${orderId}.eml`)),
        20_000,
      );
      const mail = await simpleParser(await readFile(path.join(dir, file)));
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : "").toBe("files@example.test");
      expect(mail.attachments.filter((a) => a.cid)).toHaveLength(1);
      expect(mail.text).toContain(`${url}/orders/${orderId}#token=${orderToken}`);
      expect(messagesOf(orderId, "confirmation")).toHaveLength(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses to start workers under NODE_ENV=production without SMTP_URL and MAIL_FROM", async () => {
    const production = { NODE_ENV: "production", MOCKPAY_WEBHOOK_SECRET: "w".repeat(24), SMTP_URL: "", MAIL_FROM: "" };
    const refused = startProcess("workers", { ...stack.env, ...production });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain("stampede: cannot start: invalid configuration:");
    expect(refused.output()).toMatch(/- SMTP_URL: required when NODE_ENV=production/);
    expect(refused.output()).toMatch(/- MAIL_FROM: required when NODE_ENV=production/);
  });
});
