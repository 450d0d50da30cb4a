// A small keep-alive HTTP/1.1 client for generators: node:http with one agent, JSON in and out.
// (fetch/undici costs noticeably more CPU per request on this box, and the generator shares it.)
import http from "node:http";

export interface Answer<T = unknown> {
  status: number;
  body: T;
  /** Retry-After in seconds, when the answer carried one. */
  retryAfterS?: number;
  /** The request went out on a connection opened for it (none was free and alive in the pool). */
  freshConnection?: boolean;
}

export interface HttpClient {
  /** Requests re-sent after a connection error (reset, refused, hang up) — reported with the figures. */
  retries: number;
  /** Requests sent again after 503 overloaded, once their Retry-After (plus jitter) had passed. */
  overloadRetries: number;
  /** Requests that got no answer within benchRequestTimeoutMs (what a fan's browser would give up on). */
  timeouts: number;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  close(): void;
}

/** Requests that take longer than this count as errors: every network await has a deadline. */
export const benchRequestTimeoutMs = 30_000;

/** Attempts per request when the connection fails (the listen backlog overflows under 10k connects). */
export const connectionRetriesMax = 5;

/** Attempts per request answered 503 overloaded: each waits the answer's Retry-After plus up to half again. */
export const overloadRetriesMax = 10;

function isOverloaded(answer: Answer<unknown>): boolean {
  const error = (answer.body as { error?: { code?: string } } | null)?.error;
  return answer.status === 503 && error?.code === "overloaded";
}

export function httpClient(baseUrl: string, socketsMax: number, localAddress?: string): HttpClient {
  const base = new URL(baseUrl);
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: socketsMax,
    maxFreeSockets: socketsMax,
    ...(localAddress ? { localAddress } : {}),
  });
  const client: HttpClient = {
    retries: 0,
    overloadRetries: 0,
    timeouts: 0,
    /** 503 overloaded is sent again after its Retry-After with jitter, as a fan's page does (same headers, same key). */
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Answer<T>> {
      const once = () => sendOnce<T>(agent, base, { method, path, body, headers });
      for (let attempt = 1; ; attempt++) {
        const answer = await retryingConnectionErrors(once, client);
        if (!isOverloaded(answer) || attempt > overloadRetriesMax) return answer;
        client.overloadRetries++;
        await new Promise((r) => setTimeout(r, (answer.retryAfterS ?? 1) * 1_000 * (1 + Math.random() / 2)));
      }
    },
    close: () => agent.destroy(),
  };
  return client;
}

/** One request on the agent's pool, its answer's body parsed when it is JSON. */
function sendOnce<T>(
  agent: http.Agent,
  base: URL,
  r: { method: string; path: string; body: unknown; headers: Record<string, string> },
): Promise<Answer<T>> {
  const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
  let fresh = false;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: r.method,
        path: r.path,
        headers: {
          ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
          ...r.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          if (text && (res.headers["content-type"] ?? "").includes("json")) parsed = JSON.parse(text);
          const retryAfterS = Number(res.headers["retry-after"]);
          const retry = Number.isFinite(retryAfterS) ? { retryAfterS } : {};
          resolve({ status: res.statusCode ?? 0, body: parsed as T, freshConnection: fresh, ...retry });
        });
        res.on("error", reject);
      },
    );
    req.on("socket", (socket) => (fresh = socket.connecting));
    req.setTimeout(benchRequestTimeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Connection errors are retried (the caller makes non-idempotent calls safe with an Idempotency-Key);
 * retries and timeouts are counted on the client. */
async function retryingConnectionErrors<T>(
  send: () => Promise<Answer<T>>,
  counts: Pick<HttpClient, "retries" | "timeouts">,
): Promise<Answer<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      if (code === "timeout") counts.timeouts++;
      if (attempt >= connectionRetriesMax || !["ECONNRESET", "ECONNREFUSED", "EPIPE", "socket hang up"].includes(code))
        throw e;
      counts.retries++;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
