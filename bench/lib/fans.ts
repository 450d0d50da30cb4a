// Fan preparation inside a generator, before its timed phase: sessions, then admissions over the
// REST join (poll GET until admitted). Bounded in parallelism and in time.
import { bearer, type HttpClient } from "./http.js";
import { sleep } from "./stats.js";

export interface BenchFan {
  fanId: string;
  fanToken: string;
  admissionToken?: string;
}

/** Runs `fn` over `items` with at most `parallel` in flight. */
export async function pool<T, R>(items: T[], parallel: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function newSessions(client: HttpClient, count: number, parallel = 64): Promise<BenchFan[]> {
  return pool(
    Array.from({ length: count }, (_, i) => i),
    parallel,
    async () => {
      const r = await client.request<{ fanId: string; fanToken: string }>("POST", "/api/session");
      if (r.status !== 201) throw new Error(`POST /api/session answered ${r.status}: ${JSON.stringify(r.body)}`);
      return { fanId: r.body.fanId, fanToken: r.body.fanToken };
    },
  );
}

interface QueueAnswer {
  entry?: { state?: string; queueNumber?: number | null; admission?: { token: string } };
}

/** Joins over REST and polls (every 700 ms, within the per-fan join limit) until admitted. */
export async function admit(client: HttpClient, eventId: string, fan: BenchFan, timeoutMs = 60_000): Promise<string> {
  const path = `/api/events/${eventId}/queue`;
  let r = await client.request<QueueAnswer>("POST", path, undefined, bearer(fan.fanToken));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (r.status !== 200) throw new Error(`queue answered ${r.status}: ${JSON.stringify(r.body)}`);
    const token = r.body.entry?.admission?.token;
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`fan not admitted within ${timeoutMs} ms: ${JSON.stringify(r.body)}`);
    await sleep(700);
    r = await client.request<QueueAnswer>("GET", path, undefined, bearer(fan.fanToken));
  }
}

export async function admittedFans(
  client: HttpClient,
  eventId: string,
  count: number,
  parallel = 64,
): Promise<BenchFan[]> {
  const fans = await newSessions(client, count, parallel);
  await pool(fans, parallel * 4, async (f) => void (f.admissionToken = await admit(client, eventId, f)));
  return fans;
}
