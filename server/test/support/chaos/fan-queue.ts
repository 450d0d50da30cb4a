// A chaos fan up to its admission: a session, a Socket.IO connection (re-opened when its server
// dies), a place in the queue (taken again when Redis has lost it — counted), and the admission
// token, pushed on the socket or read from GET /queue (the contract's poll, every second here).
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, QueueEntry, ServerToClientEvents } from "@stampede/shared/protocol";
import { send, sendWithRetries, type Reply } from "./fan-http.js";
import { stop, type Tally } from "./tally.js";

type FanSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface QueueFan {
  base: string;
  eventId: string;
  fanId: string;
  fanToken: string;
  deadlineMs: number;
  tally: Tally;
  socket: FanSocket | null;
  pushedToken: string | null;
  queueNumber: number | null;
  close(): void;
}

const pollEveryMs = 1_000;
const connectTimeoutMs = 10_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function newQueueFan(base: string, eventId: string, deadlineMs: number, tally: Tally): Promise<QueueFan> {
  const session = await sendWithRetries(base, "/api/session", { method: "POST", body: {} }, deadlineMs, tally);
  if (session?.status !== 201) stop(tally, `session answered ${session?.status ?? "nothing"}`);
  const fan: QueueFan = {
    base,
    eventId,
    deadlineMs,
    tally,
    fanId: session.json.fanId as string,
    fanToken: session.json.fanToken as string,
    socket: null,
    pushedToken: null,
    queueNumber: null,
    close: () => fan.socket?.close(),
  };
  await connect(fan);
  return fan;
}

/** Opens the socket; a failure leaves the fan on REST alone until the next try. */
async function connect(fan: QueueFan): Promise<void> {
  fan.socket?.close();
  const options = { transports: ["websocket"], reconnection: false, forceNew: true, timeout: connectTimeoutMs };
  const socket: FanSocket = io(fan.base, { auth: { fanToken: fan.fanToken }, ...options });
  socket.on("queue:admitted", (a) => {
    if (a.eventId === fan.eventId) fan.pushedToken = a.token;
  });
  fan.socket = await new Promise<FanSocket | null>((resolve) => {
    const fail = () => {
      clearTimeout(timer);
      socket.close();
      resolve(null);
    };
    // The client's own timeout covers opening the transport only: a server killed (or its Redis
    // gone) between that and Socket.IO's connect packet would leave this waiting for ever.
    const timer = setTimeout(fail, connectTimeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", fail);
  });
}

/** queue:join on the socket, else POST /queue; the entry, or null when neither answered. */
async function join(fan: QueueFan): Promise<QueueEntry | null> {
  if (fan.socket?.connected) {
    const ack = await fan.socket
      .timeout(10_000)
      .emitWithAck("queue:join", { eventId: fan.eventId })
      .catch(() => null);
    if (ack?.ok) return ack.data;
  }
  const reply = await send(fan.base, `/api/events/${fan.eventId}/queue`, {
    method: "POST",
    auth: `Bearer ${fan.fanToken}`,
  });
  return reply?.status === 200 ? (reply.json.entry as QueueEntry) : null;
}

function tokenOf(entry: QueueEntry | null | undefined): string | null {
  return entry?.state === "admitted" && entry.admission?.token ? entry.admission.token : null;
}

/** Joins (again), counting a lost place when the fan had one. */
async function joinAgain(fan: QueueFan, lost: boolean): Promise<string | null> {
  if (lost) fan.tally.queuePlacesLost++;
  const entry = await join(fan);
  if (entry?.queueNumber != null) fan.queueNumber = entry.queueNumber;
  return tokenOf(entry);
}

export type AdmissionResult = { kind: "admitted"; token: string } | { kind: "sold_out" };

/** Waits for an admission token, re-joining whenever the queue has forgotten the fan. */
export async function admission(fan: QueueFan): Promise<AdmissionResult> {
  fan.pushedToken = null;
  let token = await joinAgain(fan, false);
  while (!token) {
    if (Date.now() > fan.deadlineMs) stop(fan.tally, "not admitted before the fan's deadline");
    await pause(pollEveryMs);
    if (!fan.socket?.connected) {
      fan.tally.socketReconnects++;
      await connect(fan);
    }
    token = fan.pushedToken;
    if (token) break;
    const view: Reply | null = await send(fan.base, `/api/events/${fan.eventId}/queue`, {
      auth: `Bearer ${fan.fanToken}`,
    });
    if (view?.status !== 200) continue; // a fault: ask again next time
    const state = view.json.status?.state as string | undefined;
    if (state === "sold_out" || state === "closed") return { kind: "sold_out" };
    token =
      tokenOf(view.json.entry) ?? (view.json.entry === null ? await joinAgain(fan, fan.queueNumber !== null) : null);
  }
  return { kind: "admitted", token };
}
