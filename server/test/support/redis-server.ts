// A throwaway redis-server on a spare port, for tests that kill and restart Redis (never the
// shared one). Started means answering PING, not "spawned a while ago".
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";

export interface SpareRedis {
  child: ChildProcess;
  /** SIGKILL, then resolves once the process has exited. */
  kill(): Promise<void>;
}

/** True when a Redis on 127.0.0.1:port answers PING within timeoutMs. */
export function redisAnswersPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.once("connect", () => socket.write("PING\r\n"));
  });
}

export interface SpareRedisOptions {
  /** Keep the data in an append-only file in this directory (fsync on every write, so a kill -9
   * loses nothing acknowledged): a restart on the same directory comes back with it. */
  appendOnlyDir?: string;
  /** More redis-server arguments (a cluster node's: redis-cluster.ts). */
  args?: string[];
}

/** Starts redis-server (no persistence unless asked) on port and waits until it answers PING. */
export async function startRedisServer(
  port: number,
  timeoutMs = 20_000,
  options: SpareRedisOptions = {},
): Promise<SpareRedis> {
  const persistence = options.appendOnlyDir
    ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", options.appendOnlyDir]
    : ["--appendonly", "no"];
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence, ...(options.args ?? [])];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = ""; // redis-server logs to stdout, "Address already in use" included
  const collect = (d: Buffer) => (output = (output + d.toString()).slice(-4_000));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const state: { failure: string | null } = { failure: null };
  const exited = new Promise<void>((resolve) => {
    child.once("error", (err) => {
      state.failure = `redis-server could not start: ${err.message}`;
      resolve();
    });
    child.once("exit", (code, signal) => {
      state.failure ??= `redis-server exited (${String(code ?? signal)}):\n${output}`;
      resolve();
    });
  });
  const spare: SpareRedis = {
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await redisAnswersPing(port);
    // A PONG from some other Redis on this port does not count: ours must still be running.
    if (state.failure !== null) throw new Error(state.failure);
    if (answered) break;
    if (Date.now() > deadline) {
      await spare.kill();
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return spare;
}
