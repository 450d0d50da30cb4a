// Bounds what idle or hoarded connections can cost a server process: every socket is an open
// file, so one address holding thousands of silent connections could starve the fans. Connections
// per remote address are counted at the TCP `connection` event and any over the cap are destroyed
// at once; silent and kept-alive connections are closed after their timeouts.
//
// The cap counts the TCP peer's address. Behind a proxy that is the proxy, not the fan:
// TRUST_PROXY_HOPS cannot apply at this level (X-Forwarded-For arrives later, inside a request),
// so behind a proxy set the cap above what the proxy opens, and cap per client at the proxy.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { httpHeadersTimeoutMs, httpKeepAliveTimeoutMs } from "@stampede/shared/limits";

export interface ConnectionLimits {
  /** Open connections per remote address; more are destroyed as they arrive. */
  perIpMax: number;
  /** A connection with no traffic in either direction for this long is closed (0: never). */
  idleTimeoutMs: number;
  /** A kept-alive connection waits this long for its next request (default httpKeepAliveTimeoutMs). */
  keepAliveTimeoutMs?: number;
}

/** Applies the timeouts and the per-address cap to a server; returns the live count per address (for tests and metrics). */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): ReadonlyMap<string, number> {
  const keepAlive = limits.keepAliveTimeoutMs ?? httpKeepAliveTimeoutMs;
  server.keepAliveTimeout = Math.min(keepAlive, limits.idleTimeoutMs || keepAlive);
  // Not raised with the keep-alive wait (as Node 10–16 needed): Node 20 starts it at a request's
  // first byte, so a connection waiting for its next request is not cut by it (checked by hand:
  // a 3 s headers timeout left a connection idle 6 s serving, and cut slow headers at 3.5 s).
  server.headersTimeout = httpHeadersTimeoutMs;
  // Node closes a socket that times out when nothing else listens for its 'timeout'. WebSocket
  // upgrades turn this off for their own socket (Socket.IO pings keep those alive).
  server.timeout = limits.idleTimeoutMs;
  // Entries exist only while their address has an open connection: the map is bounded by open sockets.
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.perIpMax) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return open;
}
