// Goal: a request that meets a kept-alive connection the other side has just closed (reset before
// any answer) is sent once more on a new connection; a request that fails on a new connection,
// or is reset on one it opened itself, is not repeated.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../test/support/services.js";
import { HttpPoster } from "./http-post.js";

const servers: Server[] = [];
const posters: HttpPoster[] = [];

afterEach(async () => {
  for (const p of posters.splice(0)) p.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Answers the first request of each connection; `resetAfter` requests later, it drops the connection unanswered. */
async function server(resetAfter: number): Promise<{ url: string; requests: () => number }> {
  const served = new Map<Socket, number>();
  let requests = 0;
  const s = createServer((req, res) => {
    requests++;
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    req.resume();
    if (n > resetAfter) return req.socket.destroy();
    res.end("ok");
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`, requests: () => requests };
}

function poster(): HttpPoster {
  const p = new HttpPoster({ connectionsMax: 1 });
  posters.push(p);
  return p;
}

describe("HttpPoster", () => {
  it("sends again, on a new connection, what a reused connection lost", async () => {
    const s = await server(1);
    const p = poster();
    expect(await p.post(s.url, "{}", {}, 5_000)).toEqual({ status: 200, body: "ok" });
    expect(await p.post(s.url, "{}", {}, 5_000)).toEqual({ status: 200, body: "ok" });
    expect(s.requests()).toBe(3);
  });

  it("does not repeat a request reset on the connection it opened, nor one that found nobody", async () => {
    const s = await server(0);
    await expect(poster().post(s.url, "{}", {}, 5_000)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(s.requests()).toBe(1);
    await expect(poster().post(`http://127.0.0.1:${await closedPort()}/`, "{}", {}, 5_000)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});
