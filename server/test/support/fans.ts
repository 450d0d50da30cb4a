// Fans for end-to-end tests: a real session over HTTP and a real Socket.IO client, recording
// everything the server pushes.
import { io, type Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  OrderUpdate,
  QueueAdmitted,
  QueueEntry,
  QueueStatus,
  ServerToClientEvents,
  StockUpdate,
  Ack,
} from "@stampede/shared/protocol";

export type FanClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestFan {
  fanId: string;
  fanToken: string;
  socket: FanClientSocket;
  statuses: QueueStatus[];
  admitted: Array<QueueAdmitted & { atMs: number }>;
  stock: StockUpdate[];
  orderUpdates: OrderUpdate[];
  /** queue:join, with the fan's proofs when given (as a client sends them after a rebuild). */
  join(eventId: string, proofs?: { placeToken?: string; admissionToken?: string }): Promise<Ack<QueueEntry>>;
  close(): void;
}

export async function newSession(url: string): Promise<{ fanId: string; fanToken: string }> {
  const res = await fetch(`${url}/api/session`, { method: "POST" });
  if (res.status !== 201) throw new Error(`POST /api/session answered ${res.status}`);
  return (await res.json()) as { fanId: string; fanToken: string };
}

export function connectSocket(url: string, fanToken: string): Promise<FanClientSocket> {
  const socket: FanClientSocket = io(url, {
    auth: { fanToken },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** A fan with a session and a connected socket on the given node. */
export async function connectFan(url: string, session?: { fanId: string; fanToken: string }): Promise<TestFan> {
  const s = session ?? (await newSession(url));
  const socket = await connectSocket(url, s.fanToken);
  const fan: TestFan = {
    ...s,
    socket,
    statuses: [],
    admitted: [],
    stock: [],
    orderUpdates: [],
    join: (eventId, proofs = {}) => socket.timeout(10_000).emitWithAck("queue:join", { eventId, ...proofs }),
    close: () => socket.close(),
  };
  socket.on("queue:status", (st) => fan.statuses.push(st));
  socket.on("queue:admitted", (a) => fan.admitted.push({ ...a, atMs: Date.now() }));
  socket.on("stock", (st) => fan.stock.push(st));
  socket.on("order:update", (u) => fan.orderUpdates.push(u));
  return fan;
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const basicAuth = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

/** Creates an event through the admin API (HTTP Basic) and returns its EventView. */
export async function createEvent(
  url: string,
  admin: { username: string; password: string },
  body: Record<string, unknown>,
) {
  const res = await fetch(`${url}/api/admin/events`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(admin.username, admin.password) },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create event answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; classes: Array<{ id: string; code: string }> };
}
