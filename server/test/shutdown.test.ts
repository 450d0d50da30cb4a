// Goal: a real server process stops gracefully on SIGTERM — it refuses new connections at once,
// lets a request that is already in flight finish with a proper response, then exits 0.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "./support/services.js";
import { waitFor } from "./support/fans.js";
import { startServerProcess } from "./support/processes.js";

let db: TestDatabase;
let redis: TestRedis;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  redis = await createTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
  await db.drop();
});

/** True when a new TCP connection to the port is refused. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, "127.0.0.1");
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", () => resolve(true));
  });
}

describe("graceful shutdown", () => {
  it("lets an in-flight request finish, refuses new ones, and exits 0", async () => {
    const server = await startServerProcess({
      DATABASE_URL: db.url,
      REDIS_PREFIX: redis.prefix,
      SHUTDOWN_TIMEOUT_MS: "8000",
    });
    const body = JSON.stringify({ username: "admin", password: "stampede-dev-admin" });
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let response = "";
    socket.on("data", (d) => (response += d.toString()));
    // Headers, then half the body once the server has answered "100 Continue", which it does
    // only after it has parsed the headers: the request is provably in flight at the signal.
    const head = [
      "POST /api/admin/login HTTP/1.1",
      "Host: x",
      "Content-Type: application/json",
      `Content-Length: ${body.length}`,
      "Expect: 100-continue",
      "Connection: close",
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    await waitFor("100 Continue", () => response.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    socket.write(body.slice(0, 10));

    server.child.kill("SIGTERM");
    await waitFor("new connections refused", () => connectionRefused(server.port));
    expect(server.child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await new Promise((r) => socket.once("close", r));
    expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(response).toContain('"role":"admin"');
    expect(await server.exited).toBe(0);
  });
});
