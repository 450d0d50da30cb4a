// Goal: below debug no request line is written, yet an error logged for a request still names it
// (its id, method and URL with tokens redacted), the id the client gave or one made up, and sent back.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { waitFor } from "../../test/support/fans.js";
import { errorHandler } from "./errors.js";
import { requestLogging } from "./request-logging.js";

async function served(level: string) {
  const lines: string[] = [];
  const logger = createLogger(level, "t", { write: (line: string) => void lines.push(line) });
  const app = express();
  app.use(requestLogging(logger));
  app.get("/ok", (_req, res) => void res.json({ ok: true }));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.use(errorHandler);
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, close: () => new Promise((r) => server.close(r)) };
}

describe("request logging", () => {
  it("writes no request line below debug, and names the request in an error line", async () => {
    const s = await served("warn");
    try {
      const ok = await fetch(`${s.url}/ok`, { headers: { "x-request-id": "req-1" } });
      expect(ok.headers.get("x-request-id")).toBe("req-1");
      expect(s.lines).toEqual([]);
      const boom = await fetch(`${s.url}/boom?token=secret-value`);
      expect(boom.status).toBe(500);
      const id = boom.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.lines).toHaveLength(1);
      const line = JSON.parse(s.lines[0]!) as { msg: string; req: { id: string; method: string; url: string } };
      expect(line.msg).toBe("unhandled error");
      expect(line.req).toEqual({ id, method: "GET", url: "/boom?token=[redacted]" });
    } finally {
      await s.close();
    }
  });

  it("writes a line per request at debug", async () => {
    const s = await served("debug");
    try {
      await fetch(`${s.url}/ok`, { headers: { "x-request-id": "req-2" } });
      // Written when the response finishes, which the client may see first: wait for the line.
      await waitFor("the request line", () =>
        s.lines.some((l) => (JSON.parse(l) as { req?: { id: string } }).req?.id === "req-2"),
      );
    } finally {
      await s.close();
    }
  });
});
