// Test doubles for the client's injected I/O: a scripted fetch that records every call, a fake
// socket the test plays the server on, and a fake fan session.
import type {
  AdminServerToClientEvents,
  AdminStats,
  QueueEntry,
  QueueStatus,
  ServerToClientEvents,
} from "@stampede/shared/protocol";
import type { ApiError, ApiResult, FetchLike } from "./api.js";
import type { FanSessionPort, FanSessionView } from "./fan-session.svelte.js";
import type {
  AckEmitter,
  AdminAckEmitter,
  AdminLiveSocket,
  AdminSocketFactory,
  QueueSocket,
  SocketFactory,
} from "./socket.js";
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
    description: "",
    startsAt: "2030-03-14T19:00:00.000Z",
    status: "on_sale",
    paymentProvider: "mockpay",
    waitingRoom: {
      mode: "fifo",
      opensAt: null,
      admission: "manual",
      admitPerMinute: 600,
      admitPerMinuteFloor: 60,
      admitPerMinuteCeiling: 60_000,
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

// ---- The waiting room's socket and session, faked ----

type AnyListener = (...args: never[]) => void;
/** The server's answer to an emitWithAck, or undefined for "no ack" (the emit then times out). */
export type AckResponder = (event: string, payload: unknown) => unknown;

/**
 * A socket that records what the client emits and lets the test play the server: connect,
 * drop, refuse, push events and answer acks. Ack timeouts run on the (fake) timers.
 */
export class FakeSocket implements QueueSocket, AdminLiveSocket {
  connected = false;
  active = true;
  readonly fanToken: string;
  readonly emits: { event: string; payload: unknown }[] = [];
  disconnectCalls = 0;
  connectCalls = 0;
  respond: AckResponder;
  #listeners = new Map<string, AnyListener[]>();

  constructor(fanToken: string, respond: AckResponder) {
    this.fanToken = fanToken;
    this.respond = respond;
  }

  on(event: string, listener: AnyListener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  connect(): this {
    this.connectCalls += 1;
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnectCalls += 1;
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire("disconnect", "io client disconnect");
    return this;
  }

  timeout(ms: number): AckEmitter & AdminAckEmitter {
    const emitWithAck = (event: string, payload: unknown): Promise<unknown> => {
      this.emits.push({ event, payload });
      const answer = this.respond(event, payload);
      if (answer !== undefined) return Promise.resolve(answer);
      return new Promise((_, reject) => setTimeout(() => reject(new Error("operation has timed out")), ms));
    };
    // The real signature is generic over the protocol's events; this fake answers any of them.
    return { emitWithAck: emitWithAck as AckEmitter["emitWithAck"] & AdminAckEmitter["emitWithAck"] };
  }

  emitted(event: string): unknown[] {
    return this.emits.filter((e) => e.event === event).map((e) => e.payload);
  }

  // The server's side.
  serverConnect(): void {
    this.connected = true;
    this.active = true;
    this.fire("connect");
  }

  serverDrop(reason = "transport close", { willReconnect = true } = {}): void {
    this.connected = false;
    this.active = willReconnect;
    this.fire("disconnect", reason);
  }

  /** A failed attempt; a middleware refusal ("unauthorized") leaves the socket inactive, as socket.io does. */
  refuse(message: string, { active = message !== "unauthorized" } = {}): void {
    this.connected = false;
    this.active = active;
    this.fire("connect_error", new Error(message));
  }

  push<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.fire(event, ...args);
  }

  pushAdmin<E extends keyof AdminServerToClientEvents>(
    event: E,
    ...args: Parameters<AdminServerToClientEvents[E]>
  ): void {
    this.fire(event, ...args);
  }

  fire(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }
}

/** A SocketFactory that keeps every socket it made; each answers acks with `respond`. */
export function fakeSockets(respond: AckResponder = () => undefined): {
  create: SocketFactory;
  made: FakeSocket[];
  latest(): FakeSocket;
} {
  const made: FakeSocket[] = [];
  return {
    made,
    create: (fanToken) => {
      const socket = new FakeSocket(fanToken, respond);
      made.push(socket);
      return socket;
    },
    latest() {
      const socket = made.at(-1);
      if (!socket) throw new Error("no socket was made");
      return socket;
    },
  };
}

/** A fan session that hands out "token-1", then "token-2" on renew, … */
export function fakeSession(options: { fail?: ApiError } = {}): FanSessionPort & { ensures: number; renewals: number } {
  let n = 0;
  let current: string | null = null;
  const next = async (): Promise<ApiResult<FanSessionView>> => {
    if (options.fail) return { ok: false, error: options.fail };
    n += 1;
    current = `token-${n}`;
    return { ok: true, data: { fanId: "fan-1", fanToken: current } };
  };
  const session = {
    ensures: 0,
    renewals: 0,
    get token() {
      return current;
    },
    ensure() {
      session.ensures += 1;
      return current === null
        ? next()
        : Promise.resolve({ ok: true as const, data: { fanId: "fan-1", fanToken: current } });
    },
    renew() {
      session.renewals += 1;
      return next();
    },
  };
  return session;
}

export function queueStatus(overrides: Partial<QueueStatus> = {}): QueueStatus {
  return {
    eventId: "e1",
    state: "waiting",
    servedUpTo: 100,
    waiting: 500,
    admitPerMinute: 600,
    activeCheckouts: 150,
    maxActiveCheckouts: 200,
    admittedTotal: 100,
    opensAt: null,
    ...overrides,
  };
}

export function queueEntry(overrides: Partial<QueueEntry> = {}): QueueEntry {
  return { eventId: "e1", state: "waiting", queueNumber: 120, position: 20, ...overrides };
}

/** An AdminSocketFactory that keeps every socket it made (the admin namespace has no token). */
export function fakeAdminSockets(respond: AckResponder = () => undefined): {
  create: AdminSocketFactory;
  made: FakeSocket[];
  latest(): FakeSocket;
} {
  const made: FakeSocket[] = [];
  return {
    made,
    create: () => {
      const socket = new FakeSocket("", respond);
      made.push(socket);
      return socket;
    },
    latest() {
      const socket = made.at(-1);
      if (!socket) throw new Error("no socket was made");
      return socket;
    },
  };
}

export function adminStats(overrides: Partial<AdminStats> = {}): AdminStats {
  return {
    eventId: "e1",
    atMs: Date.parse("2030-03-14T18:00:00Z"),
    status: "on_sale",
    classes: [{ id: "c1", code: "GA", capacity: 100, available: 90, held: 4, sold: 6 }],
    perks: [{ code: "POSTER", capacity: 10, granted: 2 }],
    orders: { held: 2, paid: 3, expired: 1, cancelled: 0, payment_failed: 1, refunded: 0 },
    revenueCents: 27_000,
    currency: "USD",
    queue: { waiting: 40, servedUpTo: 10, admittedTotal: 10, activeCheckouts: 2 },
    admission: null,
    paymentMismatches: { payments: 0, orders: 0, orderIds: [] },
    ...overrides,
  };
}
