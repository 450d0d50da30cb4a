// A gate in front of the shop's webhook endpoint for end-to-end tests: MockPay's workers deliver
// to it (the stack's PUBLIC_URL points here), and it holds each delivery until the test lets it
// through to the real server. So a test can catch a delivery in flight — the worker waiting for
// the answer — and kill the worker right then, without sleeping on a timer.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GatedDelivery {
  /** The webhook event id from the body. */
  eventId: string;
  body: string;
  signature: string;
  /** The sender's connection closed before it was answered (the worker died waiting). */
  cutOff: boolean;
  res: ServerResponse;
}

export interface WebhookGate {
  /** Where the stack's PUBLIC_URL points. */
  url: string;
  /** The server the deliveries go on to (set once it has started). */
  target: string;
  /** Every delivery that arrived, in arrival order. */
  deliveries: GatedDelivery[];
  /** When true, deliveries pass on at once; otherwise they wait for forward(). */
  open: boolean;
  /** Sends a delivery on to the server, answers its sender if still there, and returns the server's status. */
  forward(delivery: GatedDelivery): Promise<number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

export async function startWebhookGate(): Promise<WebhookGate> {
  const gate: WebhookGate = {
    url: "",
    target: "",
    deliveries: [],
    open: false,
    async forward(d) {
      const res = await fetch(`${gate.target}/api/payments/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "mockpay-signature": d.signature },
        body: d.body,
      });
      const text = await res.text();
      if (!d.cutOff) d.res.writeHead(res.status, { "content-type": "application/json" }).end(text);
      return res.status;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/api/payments/webhook") return void res.writeHead(404).end();
    void readBody(req).then((body) => {
      const eventId = (JSON.parse(body) as { id: string }).id;
      const delivery: GatedDelivery = {
        eventId,
        body,
        signature: String(req.headers["mockpay-signature"]),
        cutOff: false,
        res,
      };
      res.on("close", () => (delivery.cutOff = !res.writableEnded));
      gate.deliveries.push(delivery);
      if (gate.open) void gate.forward(delivery);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gate;
}
