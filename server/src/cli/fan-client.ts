// A fan and an admin as seen from outside: the public HTTP + Socket.IO contract only, for the
// command-line tools (contract smoke, demo crowd). No server code is imported but the wire types.
import { io, type Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  OrderUpdate,
  QueueAdmitted,
  QueueEntry,
  ServerToClientEvents,
  Ack,
} from "@stampede/shared/protocol";

export type FanSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field by the callers
  json: any;
  text: string;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: string;
}

/** One HTTP call; the answer's body is kept as text and, when it is JSON, parsed. */
export async function call(base: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.auth) headers.authorization = options.auth;
  const res = await fetch(base + path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

/** "401 {"error":…}" — what a failing answer said, short enough for one line. */
export function describe(answer: Answer): string {
  return `${answer.status} ${answer.text.slice(0, 200)}`;
}

export function basicAuth(credentials: string): string {
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}

/** A connected fan: its session, its socket, and what the server pushed to it. */
export interface Fan {
  fanId: string;
  fanToken: string;
  socket: FanSocket;
  admitted: QueueAdmitted[];
  orders: OrderUpdate[];
  join(eventId: string): Promise<Ack<QueueEntry>>;
  leave(eventId: string): Promise<Ack<{ left: boolean }>>;
  close(): void;
}

export async function newSession(base: string): Promise<Answer> {
  return call(base, "/api/session", { method: "POST", body: {} });
}

export function connectSocket(base: string, fanToken: string): Promise<FanSocket> {
  const socket: FanSocket = io(base, {
    auth: { fanToken },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

export function fanOf(session: { fanId: string; fanToken: string }, socket: FanSocket, ackTimeoutMs = 10_000): Fan {
  const fan: Fan = {
    fanId: session.fanId,
    fanToken: session.fanToken,
    socket,
    admitted: [],
    orders: [],
    join: (eventId) => socket.timeout(ackTimeoutMs).emitWithAck("queue:join", { eventId }),
    leave: (eventId) => socket.timeout(ackTimeoutMs).emitWithAck("queue:leave", { eventId }),
    close: () => socket.close(),
  };
  socket.on("queue:admitted", (a) => fan.admitted.push(a));
  socket.on("order:update", (u) => fan.orders.push(u));
  return fan;
}

/** Polls until `fn` gives a value or the time is up (then null). */
export async function poll<T>(
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The admission token: in the join answer when admitted at once, else pushed as queue:admitted. */
export function admissionOf(fan: Fan, eventId: string, entry: QueueEntry, timeoutMs: number): Promise<string | null> {
  if (entry.admission?.token) return Promise.resolve(entry.admission.token);
  return poll(() => fan.admitted.find((a) => a.eventId === eventId)?.token, timeoutMs);
}

export interface HoldItem {
  classId: string;
  quantity: number;
}

export function holdTickets(
  base: string,
  fan: Fan,
  eventId: string,
  admissionToken: string,
  items: HoldItem[],
): Promise<Answer> {
  return call(base, `/api/events/${eventId}/holds`, {
    method: "POST",
    auth: `Bearer ${fan.fanToken}`,
    body: { admissionToken, items, email: "fan@example.test" },
  });
}

/** Presses a button on the MockPay page: succeeded (Pay), failed (Decline) or canceled (Cancel). */
export function completePayment(
  base: string,
  paymentUrl: string,
  outcome: "succeeded" | "failed" | "canceled",
): Promise<Answer> {
  const sessionId = new URL(paymentUrl, base).pathname.split("/").filter(Boolean).pop() ?? "";
  return call(base, `/mockpay/api/sessions/${sessionId}/complete`, { method: "POST", body: { outcome } });
}
