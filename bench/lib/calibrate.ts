// Calibration (performance.md): the same generators against a no-op Express route and a no-op
// Socket.IO ack in the same run, so each figure reads as a fraction of what the box can do.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runGenerators } from "./child.js";
import type { Row } from "./result.js";
import { round, sleep, summarize } from "./stats.js";
import type { HttpGenResult } from "../gen/http.js";
import type { SocketGenResult } from "../gen/socket.js";

export interface NoopServer {
  url: string;
  close(): void;
}

export async function startNoopServer(): Promise<NoopServer> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("../noop-server.ts", import.meta.url))],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300; i++) {
    const m = /listening on (\d+)/.exec(out);
    if (m) return { url: `http://127.0.0.1:${m[1]}`, close: () => void child.kill("SIGKILL") };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error(`noop server did not start: ${out}`);
}

export interface Calibration {
  httpPerSecond: number;
  socketAcksPerSecond: number;
  rows: Row[];
}

/** GET /noop at `httpConcurrency` and noop acks over `sockets` sockets, `seconds` each. */
export async function calibrate(opts: {
  httpConcurrency: number;
  sockets: number;
  seconds?: number;
  generators?: number;
}): Promise<Calibration> {
  const seconds = opts.seconds ?? 3;
  const gens = opts.generators ?? 1;
  const noop = await startNoopServer();
  try {
    const http = await runGenerators<HttpGenResult>(
      "http",
      Array.from({ length: gens }, () => ({
        deadlineSeconds: seconds + 30,
        mode: "noop",
        url: noop.url,
        concurrency: Math.ceil(opts.httpConcurrency / gens),
        seconds,
        count: 10_000_000,
      })),
    );
    const sock = await runGenerators<SocketGenResult>(
      "socket",
      Array.from({ length: gens }, () => ({
        deadlineSeconds: seconds + 60,
        mode: "noop-ack",
        url: noop.url,
        sockets: Math.ceil(opts.sockets / gens),
        concurrency: Math.ceil(opts.sockets / gens),
        seconds,
        count: 10_000_000,
      })),
    );
    const rate = (rs: Array<{ ops: number; elapsedMs: number }>) =>
      rs.reduce((a, r) => a + r.ops / (r.elapsedMs / 1_000), 0);
    const lat = (rs: Array<{ latenciesMs: Float64Array }>) =>
      summarize(Float64Array.from(rs.flatMap((r) => [...r.latenciesMs])));
    const httpPerSecond = Math.round(rate(http.results));
    const socketAcksPerSecond = Math.round(rate(sock.results));
    const h = lat(http.results);
    const s = lat(sock.results);
    return {
      httpPerSecond,
      socketAcksPerSecond,
      rows: [
        {
          calibration: "GET /noop (Express)",
          generators: gens,
          concurrency: opts.httpConcurrency,
          "ops/s": httpPerSecond,
          "p50 ms": h.p50Ms,
          "p99 ms": h.p99Ms,
          seconds,
        },
        {
          calibration: "noop ack (Socket.IO)",
          generators: gens,
          concurrency: opts.sockets,
          "ops/s": socketAcksPerSecond,
          "p50 ms": s.p50Ms,
          "p99 ms": s.p99Ms,
          seconds,
        },
      ],
    };
  } finally {
    noop.close();
  }
}

export const fraction = (figure: number, calibration: number): number => round(figure / Math.max(1, calibration), 2);
