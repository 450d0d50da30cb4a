// One stable address in front of the server processes, as a load balancer gives a real
// deployment: PUBLIC_URL (payment pages, webhook URLs) points here, so a killed server's
// replacement on another port changes nothing for fans or for MockPay's webhooks. Plain TCP:
// each connection goes to the next live backend; one refused moves on to the next backend.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface Balancer {
  port: number;
  url: string;
  /** The backends' ports, replaced as processes come and go. */
  setBackends(ports: number[]): void;
  close(): Promise<void>;
}

function pipeTo(client: Socket, ports: number[], start: number, tried = 0): void {
  if (tried >= ports.length || client.destroyed) {
    client.destroy();
    return;
  }
  const port = ports[(start + tried) % ports.length]!;
  const upstream = connect(port, "127.0.0.1");
  upstream.once("connect", () => {
    upstream.removeAllListeners("error");
    upstream.on("error", () => client.destroy());
    client.once("close", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
    client.resume();
  });
  upstream.once("error", () => {
    upstream.destroy();
    pipeTo(client, ports, start, tried + 1);
  });
}

export async function startBalancer(): Promise<Balancer> {
  let backends: number[] = [];
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    pipeTo(client, [...backends], next++);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setBackends(ports) {
      backends = [...ports];
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
