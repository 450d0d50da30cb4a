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

export class HttpPoster {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: { connectionsMax: number }) {
    const agent = { keepAlive: true, maxSockets: options.connectionsMax };
    this.agents = { http: new http.Agent(agent), https: new https.Agent(agent) };
  }

  /** Rejects with the network error (refused, reset, timed out: an AbortError); any status resolves. */
  post(url: string | URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostAnswer> {
    const target = typeof url === "string" ? new URL(url) : url;
    const secure = target.protocol === "https:";
    const request = secure ? https.request : http.request;
    const options = {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      agent: secure ? this.agents.https : this.agents.http,
      signal: AbortSignal.timeout(timeoutMs),
    };
    return new Promise<PostAnswer>((resolve, reject) => {
      const req = request(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
