// The admin namespace (/admin): signed-in admins (session cookie, any role) watch an event — a
// sales feed batched per tick and the event's figures once a second. Every node serves its own
// admin sockets from the domain-event stream and its own stats reads: nothing crosses nodes.
import type { Namespace } from "socket.io";
import { z } from "zod";
import {
  adminRooms,
  type Ack,
  type AdminClientToServerEvents,
  type AdminSale,
  type AdminServerToClientEvents,
  type AdminStats,
} from "@stampede/shared/protocol";
import type { Logger } from "../logger.js";
import { adminFromCookie } from "../http/guards/admin.js";
import type { AdminAuthDeps } from "../services/admin/auth.js";
import type { EventsService } from "../services/events/events-service.js";
import type { DomainEvent } from "../adapters/redis/domain-events.js";
import type { StampedeIo } from "./io.js";

const salesFlushMs = 250;
const statsTickMs = 1_000;
const payload = z.object({ eventId: z.string().uuid() });

export interface AdminRealtimeDeps {
  admin: AdminAuthDeps;
  events: EventsService;
  stats: (eventId: string) => Promise<AdminStats | null>;
  logger: Logger;
}

type AdminNamespace = Namespace<AdminClientToServerEvents, AdminServerToClientEvents>;

export function attachAdminNamespace(
  io: StampedeIo,
  deps: AdminRealtimeDeps,
): { onDomainEvent(e: DomainEvent): void; stop(): void } {
  const ns = io.of("/admin") as unknown as AdminNamespace;
  ns.use(async (socket, next) => {
    const admin = await adminFromCookie(deps.admin, socket.handshake.headers.cookie).catch(() => null);
    if (!admin) return next(new Error("unauthorized"));
    next();
  });
  ns.on("connection", (socket) => {
    socket.on("admin:watch", async (p, ack: (r: Ack<AdminStats>) => void) => {
      const parsed = payload.safeParse(p);
      if (!parsed.success)
        return ack({ ok: false, error: { code: "invalid_request", message: "admin:watch needs {eventId}" } });
      const stats = await deps.stats(parsed.data.eventId).catch((err: unknown) => {
        deps.logger.warn({ err }, "admin stats failed");
        return null;
      });
      if (!stats) return ack({ ok: false, error: { code: "not_found", message: "no such event" } });
      await socket.join(adminRooms.event(parsed.data.eventId));
      ack({ ok: true, data: stats });
    });
    socket.on("admin:unwatch", async (p, ack) => {
      const parsed = payload.safeParse(p);
      if (parsed.success) await socket.leave(adminRooms.event(parsed.data.eventId));
      ack({ ok: true, data: { watching: false } });
    });
  });

  const pending = new Map<string, AdminSale[]>();
  const watched = () =>
    [...ns.adapter.rooms.keys()].filter((r) => r.startsWith("admin:event:")).map((r) => r.slice("admin:event:".length));
  const flush = setInterval(() => {
    for (const [eventId, sales] of pending)
      ns.local.to(adminRooms.event(eventId)).emit("sales:batch", { eventId, sales });
    pending.clear();
  }, salesFlushMs);
  let busy = false;
  const tick = setInterval(() => {
    if (busy) return;
    busy = true;
    Promise.all(
      watched().map(async (eventId) => {
        const stats = await deps.stats(eventId);
        if (stats) ns.local.to(adminRooms.event(eventId)).emit("stats:tick", stats);
      }),
    )
      .catch((err: unknown) => deps.logger.warn({ err }, "admin stats tick failed"))
      .finally(() => (busy = false));
  }, statsTickMs);

  return {
    onDomainEvent(e) {
      if (!ns.adapter.rooms.has(adminRooms.event(e.eventId))) return;
      const list = pending.get(e.eventId) ?? [];
      list.push({
        type: e.type,
        orderId: e.orderId,
        status: e.status,
        quantity: e.quantity,
        totalCents: e.totalCents,
        atMs: e.atMs,
      });
      pending.set(e.eventId, list);
    },
    stop() {
      clearInterval(flush);
      clearInterval(tick);
    },
  };
}
