// An SMTP server in the test process (the smtp-server package) that keeps every message that
// arrives, parsed (mailparser), and refuses (451, "try later") the addresses in `refusing`.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Arrived {
  to: string[];
  mail: ParsedMail;
}

/** An SMTP server that keeps what arrives, and refuses (451, "try later") the addresses in `refusing`. */
export function smtpSink() {
  const arrived: Arrived[] = [];
  const refusing = new Set<string>();
  const refusals: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refusing.has(address.address)) return callback();
      refusals.push(address.address);
      callback(Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream, { keepCidLinks: true })
        .then((mail) => arrived.push({ to: session.envelope.rcptTo.map((r) => r.address), mail }))
        .then(() => callback(), callback);
    },
  });
  // A sender that goes away mid-connection (a workers process stopped at the end of a test) resets
  // its socket: smtp-server reports that as an 'error' event, which unheard became an uncaught
  // ECONNRESET in the test process (twice in CI). A lost connection is no test's outcome: kept, not thrown.
  const connectionErrors: Error[] = [];
  server.on("error", (err: Error) => connectionErrors.push(err));
  return { server, arrived, refusing, refusals, connectionErrors };
}
