// Socket handlers of the waiting room: queue:join and queue:leave with acks, and presence — a fan
// whose sockets are all gone starts the grace period; the ticker removes them if they stay away.
import type { Clock } from "@stampede/shared/ports/clock";
import { z } from "zod";
import { rooms, type Ack } from "@stampede/shared/protocol";
import { dependencyUnavailable } from "../adapters/dependency-errors.js";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import { errorBody, isRefusal, type Refusal } from "../http/errors.js";
import type { RateLimit } from "../adapters/redis/rate-limit.js";
import { clientAddress } from "../http/client-address.js";
import { rateLimited } from "../services/errors.js";
import type { Logger } from "../logger.js";
import type { StockCache } from "../services/waiting-room/stock-cache.js";
import { fanProofs } from "@stampede/shared/api/queue";
import type { WaitingRoomService } from "../services/waiting-room/waiting-room-service.js";
import type { JoinChallenge } from "../services/waiting-room/join-challenge.js";
import type { FanSocket, StampedeIo } from "./io.js";

export interface QueueHandlerDeps {
  waitingRoom: WaitingRoomService;
  store: WaitingRoom;
  stock: StockCache;
  joinLimits: { perIp: RateLimit; perFan: RateLimit };
  /** Bot defence: whether this join must bring a solved challenge (absent: none ever does). */
  joinChallenge?: Pick<JoinChallenge, "check">;
  trustProxyHops: number;
  logger: Logger;
  now?: Clock;
}

const eventPayload = z.object({ eventId: z.string().min(1).max(64) });
const joinPayload = eventPayload.extend(fanProofs.shape);

function failure<T>(code: "invalid_request" | "not_found" | "not_ready" | "internal_error", message: string): Ack<T> {
  return { ok: false, error: { code, message } };
}

/** A refusal as its ack: the code and message its HTTP answer's body has (the ack carries no details). */
function refused<T>(err: Refusal): Ack<T> {
  const { code, message } = errorBody(err).error;
  return { ok: false, error: { code, message } };
}

/** Runs a handler; a refusal (a service's DomainError) is acked as HTTP would answer it, Redis or PostgreSQL not
 * answering becomes a not_ready ack (as HTTP answers 503), a bug an internal_error ack (and a log line) — never a silent hang. */
function guarded<T>(logger: Logger, ack: unknown, work: (reply: (r: Ack<T>) => void) => Promise<void>): void {
  if (typeof ack !== "function") return; // the contract requires an ack; without one there is no one to answer
  const reply = ack as (r: Ack<T>) => void;
  work(reply).catch((err: unknown) => {
    if (isRefusal(err)) return reply(refused(err));
    const dependency = dependencyUnavailable(err);
    if (dependency) {
      logger.warn({ err, dependency }, "socket handler: dependency unavailable");
      return reply(
        failure(
          "not_ready",
          `${dependency === "redis" ? "Redis" : "the database"} is not answering; please retry in a moment`,
        ),
      );
    }
    logger.error({ err }, "socket handler failed");
    reply(failure("internal_error", "something went wrong on our side; please try again"));
  });
}

function socketAddress(deps: QueueHandlerDeps, socket: FanSocket): string {
  return clientAddress(socket.handshake.address, socket.handshake.headers["x-forwarded-for"], deps.trustProxyHops);
}

async function limited(deps: QueueHandlerDeps, socket: FanSocket): Promise<number | null> {
  const ip = socketAddress(deps, socket);
  return (await deps.joinLimits.perFan.take(socket.data.fanId)) ?? (await deps.joinLimits.perIp.take(ip));
}

export function attachQueueHandlers(io: StampedeIo, deps: QueueHandlerDeps): void {
  const now = deps.now ?? Date.now;
  io.on("connection", (socket) => {
    const joined = new Set<string>();

    socket.on("queue:join", (payload, ack) =>
      guarded(deps.logger, ack, async (reply) => {
        const parsed = joinPayload.safeParse(payload);
        if (!parsed.success)
          return reply(
            failure("invalid_request", "queue:join needs {eventId}, and takes {placeToken, admissionToken, challenge}"),
          );
        const wait = await limited(deps, socket);
        if (wait !== null) return reply(refused(rateLimited(wait, "joins")));
        const { eventId: _, ...proofs } = parsed.data;
        await deps.joinChallenge?.check(
          parsed.data.eventId,
          socket.data.fanId,
          socketAddress(deps, socket),
          proofs.challenge,
        );
        const outcome = await deps.waitingRoom.join(parsed.data.eventId, socket.data.fanId, proofs);
        if (outcome.kind === "not_found") return reply(failure("not_found", "no such event"));
        const eventId = parsed.data.eventId;
        await socket.join(rooms.event(eventId));
        joined.add(eventId);
        reply({ ok: true, data: outcome.entry });
        const event = await deps.waitingRoom.event(eventId);
        if (event) socket.emit("stock", await deps.stock.get(event));
      }),
    );

    socket.on("queue:leave", (payload, ack) =>
      guarded(deps.logger, ack, async (reply) => {
        const parsed = eventPayload.safeParse(payload);
        if (!parsed.success) return reply(failure("invalid_request", "queue:leave needs {eventId}"));
        const left = await deps.waitingRoom.leave(parsed.data.eventId, socket.data.fanId);
        await socket.leave(rooms.event(parsed.data.eventId));
        joined.delete(parsed.data.eventId);
        reply({ ok: true, data: { left } });
      }),
    );

    socket.on("event:watch", (payload, ack) =>
      guarded(deps.logger, ack, async (reply) => {
        const parsed = eventPayload.safeParse(payload);
        if (!parsed.success) return reply(failure("invalid_request", "event:watch needs {eventId}"));
        const status = await deps.waitingRoom.status(parsed.data.eventId);
        if (!status) return reply(failure("not_found", "no such event"));
        await socket.join(rooms.event(parsed.data.eventId));
        reply({ ok: true, data: status });
        const event = await deps.waitingRoom.event(parsed.data.eventId);
        if (event) socket.emit("stock", await deps.stock.get(event));
      }),
    );

    socket.on("event:unwatch", (payload, ack) =>
      guarded(deps.logger, ack, async (reply) => {
        const parsed = eventPayload.safeParse(payload);
        if (!parsed.success) return reply(failure("invalid_request", "event:unwatch needs {eventId}"));
        // A fan still in the queue keeps the room: their status frames come from it.
        if (!joined.has(parsed.data.eventId)) await socket.leave(rooms.event(parsed.data.eventId));
        reply({ ok: true, data: { watching: false } });
      }),
    );

    socket.on("disconnect", () => {
      // Start the grace period for each queue this socket was in; the ticker checks, after the
      // grace, whether the fan has any socket left (any tab, any node) before removing them.
      for (const eventId of joined) {
        deps.store
          .markAway(eventId, socket.data.fanId, now())
          .catch((err: unknown) => deps.logger.warn({ err, eventId }, "markAway failed"));
      }
    });
  });
}
