// The client's address, as the edges read it: Express's req.ip for HTTP, proxy-addr under the same
// trusted hop count for a socket's handshake. The rate limits count per address.
import type { IncomingMessage } from "node:http";
import type { Request } from "express";
import proxyAddr from "proxy-addr";

/** Trusts the `hops` proxies nearest the server and no one else: Express's rule for a number as
 * "trust proxy" (app.ts sets it from the same TRUST_PROXY_HOPS). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** What proxy-addr reads of a request: the peer's address and X-Forwarded-For. */
type ForwardedRequest = Pick<IncomingMessage, "headers"> & { socket: { remoteAddress: string | undefined } };

/**
 * The client's address behind `hops` trusted proxies, read by proxy-addr as Express reads req.ip,
 * for a socket's handshake (which Express never sees). Entries a client writes into
 * X-Forwarded-For itself lie beyond the trusted hops, so they cannot choose the address.
 * Takes the address rather than the request: the handshake keeps the one engine.io read at
 * connection time, while the request's own socket may be gone by the time a socket event asks.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  // Node joins repeated X-Forwarded-For lines into one; a header given as a list is read the same way.
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  const req: ForwardedRequest = {
    socket: { remoteAddress },
    headers: header === undefined ? {} : { "x-forwarded-for": header },
  };
  return proxyAddr(req as IncomingMessage, trustHops(hops)) || "unknown";
}

/** The client's address as Express sees it under the configured "trust proxy" hop count. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
