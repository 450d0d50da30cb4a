// Goal: the server process applies the connection bounds from its config: a Socket.IO connection
// that never finishes the handshake and fan auth is closed after a few seconds, and connections
// over CONNECTIONS_PER_IP_MAX from one address are destroyed at once; its listening socket has the
// LISTEN_BACKLOG it was given (as the kernel reports it). A real server process.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { Manager } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socketConnectTimeoutMs } from "@stampede/shared/limits";
import { startStack, type TestStack } from "./support/stack.js";

const cap = 20;
const backlog = 1_234;
let stack: TestStack;
let url: string;
beforeAll(async () => {
  stack = await startStack({ CONNECTIONS_PER_IP_MAX: String(cap), LISTEN_BACKLOG: String(backlog) });
  url = (await stack.addServer()).url;
});
afterAll(() => stack.close());

/** Resolves when `emitter` emits `event`; rejects after a generous bound (only a failure waits that long). */
function once(
  emitter: { once(event: string, fn: () => void): unknown },
  event: string,
  boundMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${boundMs} ms`)), boundMs);
    emitter.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe("connection bounds of a server process", () => {
  it("closes a Socket.IO connection that never joins (no handshake, no fan auth) after the connect timeout", async () => {
    const manager = new Manager(url, { transports: ["websocket"], reconnection: false, autoConnect: false });
    const opened = once(manager, "open");
    manager.open();
    await opened;
    const openedAt = Date.now();
    await once(manager, "close");
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(socketConnectTimeoutMs - 500);
  });

  it("destroys connections over CONNECTIONS_PER_IP_MAX from one address at once", async () => {
    const { port } = new URL(url);
    const dial = (): Socket =>
      connect({ host: "127.0.0.1", port: Number(port), localAddress: "127.0.0.4" }).on("error", () => {});
    const hoard = Array.from({ length: cap }, dial);
    await Promise.all(hoard.map((s) => once(s, "connect")));
    // The server accepts connections in the order the kernel queued them: the extra comes after the hoard.
    const extra = dial();
    const closedExtra = once(extra, "close");
    extra.resume();
    await closedExtra;
    const stillOpen = hoard.filter((s) => !s.closed).length;
    expect(stillOpen).toBe(cap);
    for (const s of hoard) s.destroy();
  });

  // `ss` (iproute2, in every standard Debian install) reports a listening socket's backlog as Send-Q.
  it.skipIf(!existsSync("/usr/bin/ss") && !existsSync("/bin/ss"))(
    "listens with LISTEN_BACKLOG as its accept backlog",
    () => {
      const { port } = new URL(url);
      const line = execFileSync("ss", ["-ltnH", `sport = :${port}`], { encoding: "utf8" }).trim();
      const sendQ = Number(line.split(/\s+/)[2]);
      const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
      expect(sendQ).toBe(Math.min(backlog, somaxconn));
    },
  );
});
