// Goal: the address a rate limit counts cannot be chosen by the client. With no trusted proxy a
// made-up X-Forwarded-For is ignored; behind one trusted hop only the entry that proxy added
// counts, never the ones the client wrote before it. The socket handshake's address agrees with
// what Express gives as req.ip under the same hop count, over HTTP and over Socket.IO.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.js";

const servers: HttpServer[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

async function listen(server: HttpServer): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const peer = "192.0.2.10";
const spoofed = "203.0.113.66";

describe("clientAddress", () => {
  it("with no trusted proxy, X-Forwarded-For cannot choose the address", () => {
    expect(clientAddress(peer, undefined, 0)).toBe(peer);
    expect(clientAddress(peer, spoofed, 0)).toBe(peer);
    expect(clientAddress(peer, `${spoofed}, 198.51.100.1`, 0)).toBe(peer);
    expect(clientAddress(peer, [spoofed, "198.51.100.1"], 0)).toBe(peer);
    expect(clientAddress(undefined, spoofed, 0)).toBe("unknown");
  });

  it("behind one trusted hop, only the entry that proxy added counts", () => {
    // The proxy appends the address it saw; what the client sent comes before it.
    expect(clientAddress(peer, `${spoofed}, 198.51.100.7`, 1)).toBe("198.51.100.7");
    expect(clientAddress(peer, [`${spoofed}, 10.0.0.1`, "198.51.100.7"], 1)).toBe("198.51.100.7");
    expect(clientAddress(peer, "198.51.100.7", 1)).toBe("198.51.100.7");
    // No header: the peer itself is the client (nothing to trust past it).
    expect(clientAddress(peer, undefined, 1)).toBe(peer);
  });

  it("trusts exactly the configured hops: two trusted proxies skip two entries", () => {
    expect(clientAddress(peer, `${spoofed}, 198.51.100.7, 10.0.0.2`, 2)).toBe("198.51.100.7");
    // More hops than entries: the leftmost entry, as Express does.
    expect(clientAddress(peer, "198.51.100.7", 3)).toBe("198.51.100.7");
  });

  it("agrees with Express's req.ip under the same trust proxy hop count", async () => {
    const headers = [
      undefined,
      spoofed,
      `${spoofed}, 198.51.100.7`,
      ` ,${spoofed},, 2001:db8::1 , 198.51.100.7`,
      "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4",
    ];
    for (const hops of [0, 1, 2, 3]) {
      const app = express();
      app.set("trust proxy", hops);
      app.get("/ip", (req, res) => {
        res.json({
          express: req.ip,
          ours: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], hops),
        });
      });
      const url = await listen(createServer(app));
      for (const header of headers) {
        const res = await fetch(`${url}/ip`, { headers: header === undefined ? {} : { "x-forwarded-for": header } });
        const body = (await res.json()) as { express: string; ours: string };
        expect({ hops, header, ours: body.ours }).toEqual({ hops, header, ours: body.express });
      }
    }
  });

  it("on a Socket.IO handshake, a spoofed X-Forwarded-For cannot choose the address", async () => {
    const httpServer = createServer();
    const ioServer = new Server(httpServer);
    ioServer.on("connection", (socket) => {
      const forwardedFor = socket.handshake.headers["x-forwarded-for"];
      const address = (hops: number) => clientAddress(socket.handshake.address, forwardedFor, hops);
      socket.emit("address", { zeroHops: address(0), oneHop: address(1) });
    });
    const url = await listen(httpServer);
    const extraHeaders = { "x-forwarded-for": `${spoofed}, 198.51.100.7` };
    const client = connect(url, { transports: ["websocket"], extraHeaders, reconnection: false, forceNew: true });
    try {
      const seen = await new Promise((resolve) => client.once("address", resolve));
      expect(seen).toEqual({ zeroHops: "127.0.0.1", oneHop: "198.51.100.7" });
    } finally {
      client.close();
      await ioServer.close();
    }
  });
});
