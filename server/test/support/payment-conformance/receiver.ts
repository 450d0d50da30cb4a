// The shop's webhook endpoint as the conformance suite sees it (never used by production code): a
// real HTTP server that records every delivery's raw bytes and signature header, and answers as
// its gate decides — 200, an error status (the provider delivers again later), or "drop": the
// delivery is taken and the connection cut before any answer, as a network failure after the shop
// processed it would (the provider, seeing no answer, delivers the same event again).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  raw: Buffer;
  signature: string | undefined;
  /** What the gate answered. */
  answer: number | "drop";
}

export type Gate = (delivery: { raw: Buffer; signature: string | undefined }) => Promise<number | "drop">;

export interface DeliveryReceiver {
  url: string;
  deliveries: Delivery[];
  /** Decides each answer; 200 unless replaced. */
  gate: Gate;
  close(): Promise<void>;
}

export async function startDeliveryReceiver(signatureHeader: string): Promise<DeliveryReceiver> {
  const header = signatureHeader.toLowerCase();
  const receiver: DeliveryReceiver = { url: "", deliveries: [], gate: async () => 200, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const value = req.headers[header];
      const signature = typeof value === "string" ? value : undefined;
      void receiver.gate({ raw, signature }).then(
        (answer) => {
          receiver.deliveries.push({ raw, signature, answer });
          if (answer === "drop") return void req.socket.destroy();
          res.writeHead(answer, { "content-type": "application/json" }).end('{"received":true}');
        },
        (err: unknown) => {
          receiver.deliveries.push({ raw, signature, answer: 500 });
          res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments/webhook`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}
