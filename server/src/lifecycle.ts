// Listening, and graceful shutdown: stop accepting, let in-flight requests finish (bounded), then
// close everything else in order. Used by the server, the workers and MockPay's process.
import type { Server } from "node:http";
import type { Logger } from "./logger.js";

/** Listens on host:port with the given accept backlog; returns the port (the one picked when port is 0). */
export async function listen(server: Server, host: string, port: number, backlog: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog }, resolve);
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}

export interface Closer {
  name: string;
  close: () => Promise<unknown>;
}

/** Closes the HTTP server: new connections are refused at once, idle keep-alive connections are
 * dropped, in-flight requests get until the deadline, then every connection is cut. */
export function closeHttpServer(server: Server, deadlineMs: number): Promise<"drained" | "cut"> {
  return new Promise((resolve) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      server.closeAllConnections();
      resolve("cut");
    }, deadlineMs);
    server.close(() => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve("drained");
    });
    server.closeIdleConnections();
  });
}

/** Runs closers one after another, each bounded; a failing closer is logged and the rest still run. */
export async function runClosers(closers: Closer[], logger: Logger, eachMs = 5_000): Promise<void> {
  for (const closer of closers) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        closer.close(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), eachMs))),
      ]);
    } catch (err) {
      logger.warn({ err, closer: closer.name }, "closing failed");
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Calls shutdown once on SIGTERM/SIGINT; a second signal exits at once. */
export function onShutdownSignals(shutdown: (signal: string) => Promise<void>, logger: Logger): void {
  let shuttingDown = false;
  const handle = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
