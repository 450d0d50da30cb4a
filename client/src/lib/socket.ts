// The one place that calls io(): a socket to the waiting room and one to the admin namespace,
// typed from shared/src/protocol.ts so an event name or payload cannot drift from the server.
// State classes take a factory (the real ones are below, tests pass fakes) and use only the
// QueueSocket / AdminLiveSocket part.
import type {
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  ClientToServerEvents,
  ServerToClientEvents,
} from "@stampede/shared/protocol";
import { io, type Socket } from "socket.io-client";
import { socketHandshakeTimeoutMs, socketReconnectDelayMaxMs } from "./limits.js";

export type FanSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the state classes use of a FanSocket. The real socket fits it (checked below). */
export interface QueueSocket {
  readonly connected: boolean;
  /** Whether the client reconnects by itself; false after a refused handshake or disconnect(). */
  readonly active: boolean;
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): unknown;
  on(event: "connect", listener: () => void): unknown;
  on(event: "disconnect", listener: (reason: Socket.DisconnectReason) => void): unknown;
  on(event: "connect_error", listener: (error: Error) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  timeout(ms: number): AckEmitter;
}

/** `socket.timeout(ms)`: `emitWithAck` resolves with the server's Ack or rejects when none came in time. */
export type AckEmitter = Pick<ReturnType<FanSocket["timeout"]>, "emitWithAck">;

export type SocketFactory = (fanToken: string) => QueueSocket;

/** Same origin, default namespace, websocket only (the contract); the fan token rides in `auth`. */
export function createFanSocket(fanToken: string): FanSocket {
  return io({
    transports: ["websocket"],
    auth: { fanToken },
    timeout: socketHandshakeTimeoutMs,
    reconnectionDelayMax: socketReconnectDelayMaxMs,
  });
}

export const fanSocketFactory: SocketFactory = createFanSocket;

// ---- The admin namespace: the live dashboard ----

export type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

/** What AdminLive uses of an AdminSocket. */
export interface AdminLiveSocket {
  readonly connected: boolean;
  readonly active: boolean;
  on<E extends keyof AdminServerToClientEvents>(event: E, listener: AdminServerToClientEvents[E]): unknown;
  on(event: "connect", listener: () => void): unknown;
  on(event: "disconnect", listener: (reason: Socket.DisconnectReason) => void): unknown;
  on(event: "connect_error", listener: (error: Error) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  timeout(ms: number): AdminAckEmitter;
}

export type AdminAckEmitter = Pick<ReturnType<AdminSocket["timeout"]>, "emitWithAck">;

export type AdminSocketFactory = () => AdminLiveSocket;

/** Same origin, `/admin` namespace, websocket only; the admin session cookie authenticates it. */
export function createAdminSocket(): AdminSocket {
  return io("/admin", {
    transports: ["websocket"],
    withCredentials: true,
    timeout: socketHandshakeTimeoutMs,
    reconnectionDelayMax: socketReconnectDelayMaxMs,
  });
}

export const adminSocketFactory: AdminSocketFactory = createAdminSocket;
