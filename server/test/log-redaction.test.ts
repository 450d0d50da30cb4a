// Goal: order links carry tokens in the query, and credentials travel in headers — none of them
// may reach a log line. The real app logs at debug level into a stream the test reads.
import { Writable } from "node:stream";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/app.js";
import { createLogger, redactUrl } from "../src/logger.js";
import { waitFor } from "./support/fans.js";

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ logger: createLogger("debug", "test", sink) });
});
afterAll(() => t.close());

const secrets = [
  "secret-order-token-1",
  "secret-fan-token-2",
  "secret-admission-3",
  "secret-bearer-4",
  "secret-cookie-5",
  "secret-order-6",
];

describe("log redaction", () => {
  it("never writes query tokens, Authorization or Cookie values, even at debug level", async () => {
    const requestIds = [randomUUID(), randomUUID()];
    const query = `token=${secrets[0]}&fanToken=${secrets[1]}&admission=${secrets[2]}&orderToken=${secrets[5]}&page=2`;
    await fetch(`${t.url}/api/orders/${randomUUID()}?${query}`, {
      headers: {
        authorization: `Bearer ${secrets[3]}`,
        cookie: `stampede_admin=${secrets[4]}`,
        "x-request-id": requestIds[0] ?? "",
      },
    });
    await fetch(`${t.url}/api/admin/me?token=${secrets[0]}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${secrets[3]}`).toString("base64")}`,
        "x-request-id": requestIds[1] ?? "",
      },
    });
    // Each request's line is written when its response finishes: wait for both.
    await waitFor("both request log lines", () =>
      requestIds.every((id) => lines.some((l) => l.includes(id))) ? true : null,
    );
    const logged = lines.join("\n");
    for (const secret of secrets) expect(logged).not.toContain(secret);
    const first = lines.find((l) => l.includes(requestIds[0] ?? "-"));
    expect(JSON.parse(first ?? "{}").req.url).toMatch(
      /token=\[redacted\]&fanToken=\[redacted\]&admission=\[redacted\]&orderToken=\[redacted\]&page=2$/,
    );
  });

  it("redacts token-like parameters by name and leaves the rest of the URL alone", () => {
    expect(redactUrl("/orders/1?token=abc")).toBe("/orders/1?token=[redacted]");
    expect(redactUrl("/x?a=1&AdmissionToken=z&b=2")).toBe("/x?a=1&AdmissionToken=[redacted]&b=2");
    expect(redactUrl("/x?%74oken=abc")).toBe("/x?%74oken=[redacted]");
    expect(redactUrl("/plain/path")).toBe("/plain/path");
    expect(redactUrl("/x?flag&page=3")).toBe("/x?flag&page=3");
  });
});
