// Goal: one address hoarding idle connections cannot starve the process of open files. Over the
// per-address cap a new connection is destroyed at once while the others stay open, a fan from
// another address is served meanwhile, and a connection that sends nothing is closed after the
// idle timeout. The real app's server with a small cap and timeout.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/app.js";
import { applyConnectionLimits } from "../src/connection-limits.js";
import { waitFor } from "./support/fans.js";

const cap = 50;
const idleTimeoutMs = 1_000;
let t: TestApp;
let open: ReadonlyMap<string, number>;
let port = 0;
// The idle timeout gets its own server on the same app, so the cap test's hoard is never cut by it.
let idleServer: Server;
let idlePort = 0;
beforeAll(async () => {
  t = await startTestApp();
  open = applyConnectionLimits(t.server, { perIpMax: cap, idleTimeoutMs: 0 });
  port = Number(new URL(t.url).port);
  idleServer = createServer(t.app);
  applyConnectionLimits(idleServer, { perIpMax: cap, idleTimeoutMs });
  await new Promise<void>((resolve) => idleServer.listen(0, "127.0.0.1", resolve));
  idlePort = (idleServer.address() as AddressInfo).port;
});
afterAll(async () => {
  idleServer.closeAllConnections();
  await new Promise((resolve) => idleServer.close(resolve));
  await t.close();
});

function rawConnect(localAddress: string, toPort = port): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: toPort, localAddress });
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves when the socket closes; rejects after a generous bound (only a failure waits that long). */
function closed(socket: Socket, boundMs = 15_000): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the socket was not closed")), boundMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.resume();
  });
}

/** A plain GET from a chosen local address (fetch cannot pick one). */
function getFrom(localAddress: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, localAddress, agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end();
  });
}

describe("connection limits", () => {
  it("destroys a connection over the per-address cap at once and keeps serving other addresses", async () => {
    const hoard = await Promise.all(Array.from({ length: cap }, () => rawConnect("127.0.0.1")));
    await waitFor("the server to count the hoarded connections", () => open.get("127.0.0.1") === cap || null);
    const extra = connect({ host: "127.0.0.1", port, localAddress: "127.0.0.1" });
    extra.on("error", () => {});
    await closed(extra);
    expect(hoard.every((s) => !s.closed)).toBe(true);
    expect(open.get("127.0.0.1")).toBe(cap);
    // A fan from another address is served while the hoard is open.
    expect(await getFrom("127.0.0.2", "/healthz")).toBe(200);
    for (const s of hoard) s.destroy();
    await waitFor("the hoard to be forgotten", () => !open.has("127.0.0.1") || null);
    expect(await getFrom("127.0.0.1", "/healthz")).toBe(200);
  });

  it("keeps an idle kept-alive connection as long as asked, within the idle timeout; headers still within 10 s", () => {
    const timeouts = (limits: { idleTimeoutMs: number; keepAliveTimeoutMs?: number }) => {
      const server = createServer();
      applyConnectionLimits(server, { perIpMax: cap, ...limits });
      return [server.keepAliveTimeout, server.headersTimeout];
    };
    expect(timeouts({ idleTimeoutMs: 60_000, keepAliveTimeoutMs: 30_000 })).toEqual([30_000, 10_000]);
    expect(timeouts({ idleTimeoutMs: 20_000, keepAliveTimeoutMs: 30_000 })[0]).toBe(20_000);
    // By default as long as the idle timeout (not Node's 5 s).
    expect(timeouts({ idleTimeoutMs: 60_000 })).toEqual([60_000, 10_000]);
  });

  it("closes a connection that sends nothing after the idle timeout", async () => {
    const silent = await rawConnect("127.0.0.3", idlePort);
    const openedAt = Date.now();
    await closed(silent);
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(idleTimeoutMs - 50);
  });
});
