// Goal: each fault of the proxy is observable against a tiny echo server, and none of them loses
// or reorders bytes. Absence is never decided by a sleep: a held chunk is seen waiting in the
// proxy (queued) and then seen arriving once the fault is lifted.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./fans.js";
import { startTcpProxy, type TcpProxy, type TcpProxyOptions } from "./tcp-proxy.js";

interface Echo {
  port: number;
  /** Everything it received, over every connection. */
  received: () => string;
  accepted: () => number;
  resets: () => number;
  close: () => Promise<void>;
}

async function startEcho(): Promise<Echo> {
  let received = "";
  let accepted = 0;
  let resets = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("data", (d: Buffer) => {
      received += d.toString();
      socket.write(d);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => (resets += err.code === "ECONNRESET" ? 1 : 0));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    received: () => received,
    accepted: () => accepted,
    resets: () => resets,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

interface Client {
  socket: net.Socket;
  received: () => string;
  closed: () => boolean;
  errorCode: () => string | undefined;
}

async function connect(port: number): Promise<Client> {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  let closed = false;
  let errorCode: string | undefined;
  socket.on("data", (d: Buffer) => (received += d.toString()));
  socket.on("error", (err: NodeJS.ErrnoException) => (errorCode = err.code));
  socket.on("close", () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => received, closed: () => closed, errorCode: () => errorCode };
}

/** Connects and writes; resolves with the error code the connection ended with (a refusal may come before or after "connect"). */
function refusal(port: number, first: string): Promise<string | undefined> {
  const socket = net.connect(port, "127.0.0.1", () => socket.write(first));
  let code: string | undefined;
  socket.on("error", (err: NodeJS.ErrnoException) => (code = err.code));
  return new Promise((resolve) => socket.on("close", () => resolve(code)));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(
  options: Partial<TcpProxyOptions> = {},
): Promise<{ echo: Echo; proxy: TcpProxy; open: () => Promise<Client> }> {
  const echo = await startEcho();
  cleanups.push(() => echo.close());
  const proxy = await startTcpProxy({ upstreamHost: "127.0.0.1", upstreamPort: echo.port, ...options });
  cleanups.push(() => proxy.close());
  const open = async () => {
    const client = await connect(proxy.port);
    cleanups.push(() => void client.socket.destroy());
    return client;
  };
  return { echo, proxy, open };
}

describe("tcp proxy", () => {
  it("passes bytes both ways, in order, and a FIN after them", async () => {
    const { echo, open } = await setUp();
    const client = await open();
    client.socket.write("hello ");
    client.socket.end("world");
    await waitFor("the echo", () => client.received() === "hello world");
    expect(echo.received()).toBe("hello world");
    await waitFor("the connection to close", () => client.closed());
  });

  it("down latency: the request arrives at once while its answer waits in the proxy until the latency is lifted", async () => {
    const { echo, proxy, open } = await setUp();
    const client = await open();
    proxy.setLatency("down", 60_000);
    client.socket.write("ping");
    await waitFor("the answer held in the proxy", () => proxy.queued("down") === 1);
    expect(echo.received()).toBe("ping");
    expect(client.received()).toBe("");
    proxy.setLatency("down", 0);
    await waitFor("the answer", () => client.received() === "ping");
  });

  it("up latency: the request waits in the proxy; a short latency delays without losing or reordering", async () => {
    const { echo, proxy, open } = await setUp();
    const client = await open();
    proxy.setLatency("up", 60_000);
    client.socket.write("a");
    await waitFor("the request held", () => proxy.queued("up") === 1);
    expect(echo.received()).toBe("");
    proxy.setLatency("up", 50);
    client.socket.write("b");
    client.socket.write("c");
    await waitFor("all of it, in order", () => client.received() === "abc");
    expect(echo.received()).toBe("abc");
  });

  it("blackhole: old and new connections stay open, nothing moves; all of it arrives once lifted", async () => {
    const { echo, proxy, open } = await setUp();
    const old = await open();
    const idle = await open();
    old.socket.write("1");
    await waitFor("the echo", () => old.received() === "1");
    proxy.setMode("blackhole");
    old.socket.write("2");
    await waitFor("the first held", () => proxy.queued("up") === 1);
    old.socket.write("4");
    const fresh = await open();
    fresh.socket.write("3");
    await waitFor("all three held", () => proxy.queued("up") === 3);
    // Stalled counts connections with something held (not chunks, not the idle one).
    expect(proxy.stalled()).toBe(2);
    expect(echo.received()).toBe("1");
    expect([old.closed(), fresh.closed(), idle.closed()]).toEqual([false, false, false]);
    proxy.setMode("pass");
    await waitFor("the held bytes", () => old.received() === "124" && fresh.received() === "3");
    expect(echo.received().split("").sort().join("")).toBe("1234");
    expect(proxy.stalled()).toBe(0);
  });

  it("refuse: a new connection is reset before the upstream hears of it; the open ones go on", async () => {
    const { echo, proxy, open } = await setUp();
    const old = await open();
    proxy.setMode("refuse");
    expect(await refusal(proxy.port, "x")).toBe("ECONNRESET");
    old.socket.write("still here");
    await waitFor("the echo", () => old.received() === "still here");
    expect(echo.accepted()).toBe(1);
    proxy.setMode("pass");
    const later = await open();
    later.socket.write("x");
    await waitFor("the echo", () => later.received() === "x");
  });

  it("reset(): every current connection gets an RST on both sides; new ones work", async () => {
    const { echo, proxy, open } = await setUp();
    const clients = [await open(), await open()];
    clients.forEach((c) => c.socket.write("x"));
    await waitFor("both up", () => clients.every((c) => c.received() === "x"));
    expect(proxy.reset()).toBe(2);
    await waitFor("both reset", () => clients.every((c) => c.closed()));
    expect(clients.map((c) => c.errorCode())).toEqual(["ECONNRESET", "ECONNRESET"]);
    await waitFor("the upstream side reset", () => echo.resets() === 2);
    const next = await open();
    next.socket.write("y");
    await waitFor("the echo", () => next.received() === "y");
  });

  it("affects: faults apply only to connections whose first chunk matches; the tap sees only those", async () => {
    const { echo, proxy, open } = await setUp({ affects: (first) => first.toString().startsWith("slow") });
    const seen: string[] = [];
    proxy.onChunk((direction, chunk) => seen.push(`${direction}:${chunk.toString()}`));
    proxy.setMode("blackhole");
    const slow = await open();
    const fast = await open();
    slow.socket.write("slow");
    fast.socket.write("fast");
    await waitFor("the other connection's echo", () => fast.received() === "fast");
    await waitFor("the matching one held", () => proxy.queued("up") === 1);
    expect(echo.received()).toBe("fast");
    proxy.setMode("refuse");
    expect(await refusal(proxy.port, "slow too")).toBe("ECONNRESET");
    proxy.setMode("pass");
    await waitFor("the held chunk", () => slow.received() === "slow");
    expect(seen).toEqual(["up:slow", "down:slow"]);
    expect(proxy.connections()).toBe(1);
  });

  it("affects: a filter that needs more bytes holds the connection as affected until it can judge", async () => {
    const { echo, proxy, open } = await setUp({
      affects: (first) => (first.length < 4 ? undefined : first.toString().startsWith("slow")),
    });
    proxy.setMode("blackhole");
    const slow = await open();
    slow.socket.setNoDelay(true);
    slow.socket.write("sl");
    // Two chunks, so the filter first sees too little (the pause only makes the split likely; a run
    // where they arrive as one chunk passes too).
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.socket.write("ow");
    const fast = await open();
    fast.socket.write("fast");
    await waitFor("the other connection's echo", () => fast.received() === "fast");
    await waitFor("all of the matching one held", () => proxy.queued("up") >= 1 && proxy.connections() === 1);
    expect(echo.received()).toBe("fast");
    proxy.setMode("pass");
    await waitFor("the held bytes", () => slow.received() === "slow");
  });

  it("close(): stops listening and ends every connection", async () => {
    const { proxy, open } = await setUp();
    const client = await open();
    await proxy.close();
    await waitFor("the connection ended", () => client.closed());
    await expect(connect(proxy.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
