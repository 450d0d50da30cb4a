// Order updates pushed to fans' sockets (`order:update` to the fan's room, as the app's order page
// receives them), for generators that observe a paid order the way a browser does.
import type { Socket } from "socket.io-client";
import { connectFanSocket } from "./fan-socket.js";
import { pool, type BenchFan } from "./fans.js";

type Waiter = { orderId: string; status: string; resolve: (seen: boolean) => void };

export interface FanSockets {
  waiters: Map<string, Waiter>;
  close(): void;
}

/** One socket per fan, connected with the fan's token (the server joins it to the fan's room). */
export async function connectFans(url: string, fans: BenchFan[], parallel = 100): Promise<FanSockets> {
  const waiters = new Map<string, Waiter>();
  const sockets: Socket[] = [];
  await pool(fans, parallel, async (fan) => {
    const socket = await connectFanSocket(url, fan.fanToken);
    socket.on("order:update", (u: { orderId: string; status: string }) => {
      const w = waiters.get(fan.fanId);
      if (w && w.orderId === u.orderId && u.status === w.status) w.resolve(true);
    });
    sockets.push(socket);
  });
  return { waiters, close: () => sockets.forEach((s) => s.close()) };
}

/** Resolves true when the order reaches `status` by push, false after `timeoutMs`. */
export function waitForPush(
  s: FanSockets,
  fanId: string,
  orderId: string,
  status: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (seen: boolean) => {
      clearTimeout(timer);
      s.waiters.delete(fanId);
      resolve(seen);
    };
    s.waiters.set(fanId, { orderId, status, resolve: done });
  });
}
