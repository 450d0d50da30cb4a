// Goal: a real server process stops gracefully on SIGTERM — it refuses new connections at once,
// lets a request that is already in flight finish with a proper response, then exits 0.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "../src/testing/services.js";
import { startServerProcess } from "../src/testing/processes.js";

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

describe("graceful shutdown", () => {
  it("lets an in-flight request finish, refuses new ones, and exits 0", async () => {
    const server = await startServerProcess({ DATABASE_URL: db.url, REDIS_PREFIX: redis.prefix, SHUTDOWN_TIMEOUT_MS: "8000" });
    const body = JSON.stringify({ username: "admin", password: "stampede-dev-admin" });
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let response = "";
    socket.on("data", (d) => (response += d.toString()));
    // Headers and half the body: the request is in flight when the signal arrives.
    socket.write(`POST /api/admin/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));

    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    const refused = await fetch(`${server.url}/healthz`).then(() => false, () => true);
    expect(refused).toBe(true);
    expect(server.child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await new Promise((r) => socket.once("close", r));
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain('"role":"admin"');
    expect(await server.exited).toBe(0);
  });
});
