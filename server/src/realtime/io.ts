// The Socket.IO server: typed from shared/src/protocol.ts, websocket transport, rooms shared
// across server nodes through the Redis Streams adapter (which also keeps connection-state
// recovery working across nodes). Fans authenticate on connect — and again after a recovery,
// because recovery re-runs the middlewares (skipMiddlewares: false).
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { parse as parseCookies } from "cookie";
import { Server, type Socket } from "socket.io";
import { fanCookieName, rooms, type ClientToServerEvents, type ServerToClientEvents } from "@stampede/shared/protocol";
import { socketConnectTimeoutMs, socketRecoveryWindowMs } from "@stampede/shared/limits";
import type { Redis } from "../adapters/redis/connection.js";
import type { TokenService } from "../services/fans/tokens.js";
import type { ShardedAdapter } from "./sharded-adapter.js";

export interface SocketData {
  fanId: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

export type StampedeIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type FanSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface IoDeps {
  tokens: TokenService;
  /** A dedicated connection (role "stream"): the adapter blocks on XREAD. */
  adapterRedis: Redis;
  redisPrefix: string;
  /** SOCKET_IO_ADAPTER=sharded: the sharded Pub/Sub adapter instead of the streams one (no recovery). */
  sharded?: ShardedAdapter | null;
}

function handshakeToken(socket: FanSocket): string | null {
  const auth = socket.handshake.auth as { fanToken?: unknown } | undefined;
  if (typeof auth?.fanToken === "string") return auth.fanToken;
  return parseCookies(socket.handshake.headers.cookie ?? "")[fanCookieName] ?? null;
}

/** Resolves with an Error to refuse the connection, or undefined to accept it. */
async function authenticate(socket: FanSocket, tokens: TokenService): Promise<Error | undefined> {
  const token = handshakeToken(socket);
  const fanId = token ? await tokens.verifyFan(token) : null;
  if (!fanId) return new Error("unauthorized");
  // After a recovery the socket keeps its old data: it must belong to the same fan.
  if (socket.data.fanId && socket.data.fanId !== fanId) return new Error("unauthorized");
  socket.data.fanId = fanId;
  return undefined;
}

export function createIo(httpServer: HttpServer, deps: IoDeps): StampedeIo {
  const io: StampedeIo = new Server(httpServer, {
    transports: ["websocket", "polling"],
    serveClient: false,
    // A connection that has not finished the handshake and fan auth by then is closed.
    connectTimeout: socketConnectTimeoutMs,
    adapter:
      deps.sharded?.adapter ??
      createAdapter(deps.adapterRedis, {
        streamName: `${deps.redisPrefix}:socket.io`,
        channelPrefix: `${deps.redisPrefix}:socket.io`,
        sessionKeyPrefix: `${deps.redisPrefix}:sio:session:`,
        onlyPlaintext: true,
      }),
    ...(deps.sharded
      ? {}
      : { connectionStateRecovery: { maxDisconnectionDuration: socketRecoveryWindowMs, skipMiddlewares: false } }),
  });
  // An async middleware that throws would be an unhandled rejection (which ends the process):
  // a failure here refuses this one connection instead.
  io.use((socket, next) => {
    authenticate(socket, deps.tokens).then(next, (err: unknown) =>
      next(err instanceof Error ? err : new Error(String(err))),
    );
  });
  io.on("connection", (socket) => {
    // A Pub/Sub adapter subscribes here, and may fail with Redis away: the fan's room is kept locally regardless.
    void Promise.resolve(socket.join(rooms.fan(socket.data.fanId))).catch(() => {});
  });
  return io;
}
