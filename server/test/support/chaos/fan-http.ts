// A chaos fan's HTTP: every call has a deadline, a refused or reset connection is an answer (null)
// rather than a throw, and the retry rule of the contract — on a network error, a 5xx, a 429 or
// 409 request_in_progress, wait (Retry-After when given) and send the same request again — lives
// in one place.
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read field by field by the callers
  json: any;
  retryAfterMs: number | null;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: string;
  headers?: Record<string, string>;
}

/** Longer than any server-side deadline: past it the call counts as lost (and is retried). */
const callTimeoutMs = 20_000;

export async function send(base: string, path: string, options: CallOptions = {}): Promise<Reply | null> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.auth) headers.authorization = options.auth;
  try {
    const res = await fetch(base + path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(callTimeoutMs),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null; // not JSON (a proxy's page): the status says enough
    }
    const after = Number(res.headers.get("retry-after"));
    return { status: res.status, json, retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : null };
  } catch {
    return null;
  }
}

export interface RetryCounters {
  retries: number;
  networkErrors: number;
  serverErrors: number;
}

/** Whether the contract says to send the same request again. */
export function retryable(reply: Reply | null): boolean {
  if (reply === null || reply.status >= 500 || reply.status === 429) return true;
  return reply.status === 409 && reply.json?.error?.code === "request_in_progress";
}

/** Sends until the answer is not retryable or the deadline passes (then the last answer, maybe null). */
export async function sendWithRetries(
  base: string,
  path: string,
  options: CallOptions,
  deadlineMs: number,
  counters: RetryCounters,
): Promise<Reply | null> {
  for (;;) {
    const reply = await send(base, path, options);
    if (!retryable(reply) || Date.now() >= deadlineMs) return reply;
    counters.retries++;
    if (reply === null) counters.networkErrors++;
    else if (reply.status >= 500) counters.serverErrors++;
    const waitMs = Math.min(reply?.retryAfterMs ?? 500, 5_000);
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
