// Follows one event's resale listings live: a fan socket that watches the event's room
// (`event:watch {eventId}` on every connect) and calls back on `resale:changed` for the event, and
// once after each watch ack (something may have changed while the socket was not in the room).
// Without a socket the pages still show what they read; they read again after their own writes.
import type { FanSessionPort } from "./fan-session.svelte.js";
import { socketAckTimeoutMs } from "./limits.js";
import type { QueueSocket, SocketFactory } from "./socket.js";

export interface ResaleWatchDeps {
  eventId: string;
  session: FanSessionPort;
  createSocket: SocketFactory;
}

/** Starts watching; the returned function stops (and closes the socket, once it is open). */
export function watchResale(deps: ResaleWatchDeps, onChanged: () => void): () => void {
  let stopped = false;
  let socket: QueueSocket | null = null;

  const watch = async (s: QueueSocket): Promise<void> => {
    try {
      const ack = await s.timeout(socketAckTimeoutMs).emitWithAck("event:watch", { eventId: deps.eventId });
      if (!stopped && ack.ok) onChanged();
    } catch {
      // No ack in time: the next connect watches again.
    }
  };

  void deps.session.ensure().then((session) => {
    if (stopped || !session.ok) return;
    const s = deps.createSocket(session.data.fanToken);
    socket = s;
    s.on("connect", () => void watch(s));
    s.on("resale:changed", (changed) => {
      if (!stopped && changed.eventId === deps.eventId) onChanged();
    });
    if (s.connected) void watch(s);
  });

  return () => {
    stopped = true;
    socket?.disconnect();
    socket = null;
  };
}
