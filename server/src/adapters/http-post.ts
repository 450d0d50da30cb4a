// POST over node:http(s) on kept-alive connections: what the shop's provider client and MockPay's
// webhook delivery send, one request per call. Cheaper per call than fetch, which matters when a
// call is made per ticket. Redirects are answers like any other (never followed); the deadline
// covers waiting for a connection, sending and the whole answer.
import http from "node:http";
import https from "node:https";

export interface PostAnswer {
  status: number;
  body: string;
}

type Sent = { answer: PostAnswer } | { error: Error; staleConnection: boolean };

export class HttpPoster {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: { connectionsMax: number }) {
    const agent = { keepAlive: true, maxSockets: options.connectionsMax };
    this.agents = { http: new http.Agent(agent), https: new https.Agent(agent) };
  }

  /**
   * Rejects with the network error (refused, reset, timed out: an AbortError); any status resolves.
   * A kept-alive connection the other side closed as it was reused (its idle timeout) is reset
   * before anything was read: that request is sent once more on a new connection, as Node's
   * documentation advises. Callers only send what may be repeated (idempotent calls, webhooks).
   */
  async post(url: string | URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostAnswer> {
    const target = typeof url === "string" ? new URL(url) : url;
    const signal = AbortSignal.timeout(timeoutMs);
    const first = await this.send(target, body, headers, signal);
    if ("answer" in first) return first.answer;
    if (!first.staleConnection) throw first.error;
    const again = await this.send(target, body, headers, signal);
    if ("answer" in again) return again.answer;
    throw again.error;
  }

  private send(target: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Sent> {
    const secure = target.protocol === "https:";
    const request = secure ? https.request : http.request;
    const options = {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      agent: secure ? this.agents.https : this.agents.http,
      signal,
    };
    return new Promise<Sent>((resolve) => {
      const req = request(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => resolve({ error, staleConnection: false }));
        res.on("end", () =>
          resolve({ answer: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") } }),
        );
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        const reset = error.code === "ECONNRESET" || error.code === "EPIPE";
        resolve({ error, staleConnection: reset && req.reusedSocket && !signal.aborted });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
