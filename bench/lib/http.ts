// A small keep-alive HTTP/1.1 client for generators: node:http with one agent, JSON in and out.
// (fetch/undici costs noticeably more CPU per request on this box, and the generator shares it.)
import http from "node:http";

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export interface HttpClient {
  /** Requests re-sent after a connection error (reset, refused, hang up) — reported with the figures. */
  retries: number;
  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  close(): void;
}

/** Requests that take longer than this count as errors: every network await has a deadline. */
export const benchRequestTimeoutMs = 30_000;

/** Attempts per request when the connection fails (the listen backlog overflows under 10k connects). */
export const connectionRetriesMax = 5;

export function httpClient(baseUrl: string, socketsMax: number, localAddress?: string): HttpClient {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: socketsMax, maxFreeSockets: socketsMax, ...(localAddress ? { localAddress } : {}) });
  const once = <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          { agent, host: base.hostname, port: base.port, method, path, headers: { ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}), ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString();
              let parsed: unknown = text;
              if (text && (res.headers["content-type"] ?? "").includes("json")) parsed = JSON.parse(text);
              resolve({ status: res.statusCode ?? 0, body: parsed as T });
            });
            res.on("error", reject);
          },
        );
        req.setTimeout(benchRequestTimeoutMs, () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        if (payload) req.write(payload);
        req.end();
      });
  };
  const client: HttpClient = {
    retries: 0,
    /** Connection errors are retried (the caller makes non-idempotent calls safe with an Idempotency-Key). */
    async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once<T>(method, path, body, headers);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
          if (attempt >= connectionRetriesMax || !["ECONNRESET", "ECONNREFUSED", "EPIPE", "socket hang up"].includes(code)) throw e;
          client.retries++;
          await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
        }
      }
    },
    close: () => agent.destroy(),
  };
  return client;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
