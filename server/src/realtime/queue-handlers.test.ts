// Goal: a socket's queue:join is acked as HTTP answers the same refusal. A service's DomainError
// (the waiting room being rebuilt) is acked with its code and message, not as a bug (it used to be
// acked internal_error); a used-up join limit is acked rate_limited with the REST join's message;
// a bug is still internal_error, and logged.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack, QueueEntry } from "@stampede/shared/protocol";
import type { WaitingRoomStore } from "../adapters/redis/waiting-room/store.js";
import type { RateLimit } from "../adapters/redis/rate-limit.js";
import { createLogger } from "../logger.js";
import { DomainError } from "../services/errors.js";
import type { StockCache } from "../services/waiting-room/stock-cache.js";
import type { WaitingRoomService } from "../services/waiting-room/waiting-room-service.js";
import type { StampedeIo } from "./io.js";
import { attachQueueHandlers } from "./queue-handlers.js";

const logLines: string[] = [];
const joinWait = { seconds: null as number | null };
const joinThrows = { error: new Error("unset") as Error };
const limit = { take: async () => joinWait.seconds } as unknown as RateLimit;
const waitingRoom = {
  join: async () => {
    throw joinThrows.error;
  },
} as unknown as WaitingRoomService;

const httpServer = createServer();
const io: StampedeIo = new Server(httpServer);
let client: ClientSocket;

beforeAll(async () => {
  io.use((socket, next) => {
    socket.data.fanId = "fan-1";
    next();
  });
  attachQueueHandlers(io, {
    waitingRoom,
    store: {} as WaitingRoomStore,
    stock: {} as StockCache,
    joinLimits: { perIp: limit, perFan: limit },
    trustProxyHops: 0,
    logger: createLogger("warn", "t", { write: (line: string) => void logLines.push(line) }),
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  client = connect(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, { transports: ["websocket"] });
  await new Promise<void>((r) => client.once("connect", () => r()));
});

afterAll(async () => {
  client.close();
  await io.close();
});

const join = () => client.emitWithAck("queue:join", { eventId: "e-1" }) as Promise<Ack<QueueEntry>>;

describe("queue:join acks", () => {
  it("acks a service's DomainError with its code and message, and logs no bug", async () => {
    joinWait.seconds = null;
    const message = "the waiting room is being rebuilt; try again in a moment";
    joinThrows.error = new DomainError("not_ready", message);
    expect(await join()).toEqual({ ok: false, error: { code: "not_ready", message } });
    expect(logLines).toEqual([]);
  });

  it("acks a used-up join limit as rate_limited, worded as the REST join's 429", async () => {
    joinWait.seconds = 7;
    expect(await join()).toEqual({
      ok: false,
      error: { code: "rate_limited", message: "too many joins; try again in 7 s" },
    });
  });

  it("control: any other error is a bug, acked internal_error and logged", async () => {
    joinWait.seconds = null;
    joinThrows.error = new Error("a bug");
    const message = "something went wrong on our side; please try again";
    expect(await join()).toEqual({ ok: false, error: { code: "internal_error", message } });
    expect(logLines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["socket handler failed"]);
  });
});
