// Where order emails go: an SMTP server (SMTP_URL) through nodemailer's connection pool, or —
// with no SMTP_URL, in development — .eml files in a folder (MAIL_DIR, the repo's var/mail by
// default) that any mail client opens. Only the workers build one: a request never sends mail.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type { MailConfig } from "../../config.js";

export type MailMessage = Mail.Options;

export interface MailTransport {
  /** "smtp://host:port" (never the credentials) or the .eml folder: printed at start. */
  readonly where: string;
  /** Sends one message; rejects when the server refused it (or any of its recipients). `name`
   * names the .eml file (files only). */
  send(message: MailMessage, name: string): Promise<void>;
  close(): void;
}

// A send is bounded so that a silent SMTP server cannot hold a claimed order past its lease (the
// sweep's claim lasts minutes; one message is well under one).
const smtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
/** Connections to the SMTP server per workers process: a burst after a sale is sent a few at a time. */
const smtpConnectionsMax = 3;

export function createMailTransport(config: MailConfig): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : fileTransport(config.dir);
}

function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: smtpConnectionsMax,
    ...smtpTimeouts,
  });
  const { protocol, host } = new URL(url);
  return {
    where: `${protocol}//${host}`,
    async send(message) {
      const info = await transporter.sendMail(message);
      // A server that accepts some recipients and refuses others resolves: for one fan, that is a refusal.
      if (info.rejected.length > 0) throw new Error(`recipient refused: ${info.rejected.map(String).join(", ")}`);
    },
    close: () => transporter.close(),
  };
}

function fileTransport(dir: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    where: dir,
    async send(message, name) {
      const info = await composer.sendMail(message);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${name}.eml`);
      // Written whole, then renamed: whoever watches the folder never reads half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
    },
    close: () => composer.close(),
  };
}
