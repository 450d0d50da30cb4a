// Test doubles for the client's injected I/O: a scripted fetch that records every call.
import type { FetchLike } from "./api.js";
import type { EventView, TicketClassView } from "./views.js";

export interface RecordedCall {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

export type Responder = (call: RecordedCall, signal: AbortSignal | null) => Response | Promise<Response>;

export function fakeFetch(responder: Responder): FetchLike & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const fetch = async (path: string, init: RequestInit): Promise<Response> => {
    const call: RecordedCall = {
      path,
      method: init.method ?? "GET",
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined,
      credentials: init.credentials,
    };
    calls.push(call);
    return responder(call, init.signal ?? null);
  };
  return Object.assign(fetch, { calls });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export function apiError(status: number, code: string, message = code, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message } }, headers);
}

/** Never answers; rejects like fetch does when its signal aborts. */
export function hangUntilAborted(signal: AbortSignal | null): Promise<Response> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError")));
  });
}

export function tier(overrides: Partial<TicketClassView> = {}): TicketClassView {
  return {
    id: "c1",
    code: "GA",
    name: "General admission",
    priceCents: 4500,
    currency: "USD",
    capacity: 100,
    perOrderMax: 4,
    available: 90,
    held: 4,
    sold: 6,
    ...overrides,
  };
}

export function event(overrides: Partial<EventView> = {}): EventView {
  return {
    id: "e1",
    slug: "the-show",
    name: "The Show",
    venue: "Main Hall",
    startsAt: "2030-03-14T19:00:00.000Z",
    status: "on_sale",
    waitingRoom: {
      mode: "fifo",
      opensAt: null,
      admitPerMinute: 600,
      maxActiveCheckouts: 200,
      admissionTtlSeconds: 600,
      holdSeconds: 300,
      perFanMax: 6,
      endAdmissionOnPaid: true,
    },
    classes: [tier()],
    perks: [],
    ...overrides,
  };
}
