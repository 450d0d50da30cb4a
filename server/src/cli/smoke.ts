// `npm run smoke -- <url> <admin-user>:<password>`: walks one fan through the public contract
// against a running Stampede (server + workers) — admin sign-in, a fresh small event, session,
// socket, queue:join, admission, hold, MockPay Pay, the webhook turning the order paid, tickets,
// and the ledger audit — and names the first step that answers differently. Exit 0 when every
// step answered as the contract says, 1 at the first that did not, 2 on bad arguments.
// The event it creates is closed at the end so it does not stay on sale in the demo.
import {
  admissionOf,
  basicAuth,
  call,
  completePayment,
  connectSocket,
  describe,
  fanOf,
  holdTickets,
  newSession,
  poll,
  type Fan,
} from "./fan-client.js";

/** How long a step that waits on the server (admission, webhook, push) may take. */
const stepWaitMs = 20_000;

class StepFailed extends Error {}

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new StepFailed(what);
}

interface Context {
  base: string;
  admin: string;
  eventId: string;
  classId: string;
  fan: Fan | null;
  admissionToken: string;
  order: { orderId: string; orderToken: string; paymentUrl: string };
}

interface Step {
  name: string;
  run(ctx: Context): Promise<void>;
}

const steps: Step[] = [
  {
    name: "admin sign-in (GET /api/admin/events with HTTP Basic)",
    async run(ctx) {
      const res = await call(ctx.base, "/api/admin/events", { auth: ctx.admin });
      check(res.status === 200 && Array.isArray(res.json?.events), describe(res));
    },
  },
  {
    name: "create an on-sale event (POST /api/admin/events)",
    async run(ctx) {
      const res = await call(ctx.base, "/api/admin/events", {
        method: "POST",
        auth: ctx.admin,
        body: {
          name: "Contract smoke",
          status: "on_sale",
          classes: [{ code: "GA", name: "General Admission", priceCents: 1000, capacity: 5 }],
          waitingRoom: { admitPerMinute: 6000, maxActiveCheckouts: 10, holdSeconds: 120 },
        },
      });
      check(
        res.status === 201 && typeof res.json?.id === "string" && typeof res.json.classes?.[0]?.id === "string",
        describe(res),
      );
      ctx.eventId = res.json.id;
      ctx.classId = res.json.classes[0].id;
    },
  },
  {
    name: "fan session (POST /api/session) and socket connect with auth {fanToken}",
    async run(ctx) {
      const res = await newSession(ctx.base);
      check(res.status === 201 && typeof res.json?.fanToken === "string", describe(res));
      const socket = await connectSocket(ctx.base, res.json.fanToken).catch((err: Error) => {
        throw new StepFailed(`socket did not connect: ${err.message}`);
      });
      ctx.fan = fanOf(res.json, socket);
    },
  },
  {
    name: "queue:join (ack with a queue number) and admission (in the ack or queue:admitted)",
    async run(ctx) {
      const ack = await ctx.fan!.join(ctx.eventId);
      check(ack.ok && typeof ack.data.queueNumber === "number", `ack ${JSON.stringify(ack)}`);
      const token = await admissionOf(ctx.fan!, ctx.eventId, ack.data, stepWaitMs);
      check(token, `not admitted within ${stepWaitMs / 1000} s`);
      ctx.admissionToken = token;
    },
  },
  {
    name: "hold 2 tickets (POST /api/events/:eventId/holds)",
    async run(ctx) {
      const res = await holdTickets(ctx.base, ctx.fan!, ctx.eventId, ctx.admissionToken, [
        { classId: ctx.classId, quantity: 2 },
      ]);
      check(res.status === 201 && res.json?.orderId && res.json.orderToken && res.json.paymentUrl, describe(res));
      ctx.order = { orderId: res.json.orderId, orderToken: res.json.orderToken, paymentUrl: res.json.paymentUrl };
    },
  },
  {
    name: "MockPay Pay (POST /mockpay/api/sessions/:sessionId/complete)",
    async run(ctx) {
      const res = await completePayment(ctx.base, ctx.order.paymentUrl, "succeeded");
      check(res.status === 200, describe(res));
    },
  },
  {
    name: "webhook → order paid (GET /api/orders/:orderId with the order token; order:update pushed)",
    async run(ctx) {
      const paid = await poll(
        async () => {
          const res = await call(ctx.base, `/api/orders/${ctx.order.orderId}`, {
            auth: `Bearer ${ctx.order.orderToken}`,
          });
          return res.json?.status === "paid" ? res : null;
        },
        stepWaitMs,
        200,
      );
      check(paid, `the order is not paid ${stepWaitMs / 1000} s after Pay (are the workers running?)`);
      const pushed = await poll(
        () => ctx.fan!.orders.some((o) => o.orderId === ctx.order.orderId && o.status === "paid"),
        stepWaitMs,
      );
      check(pushed, "no order:update with status paid reached the fan's socket");
    },
  },
  {
    name: "tickets (2 on the paid order, each QR served as SVG)",
    async run(ctx) {
      const res = await call(ctx.base, `/api/orders/${ctx.order.orderId}`, { auth: `Bearer ${ctx.order.orderToken}` });
      const tickets = (res.json?.tickets ?? []) as Array<{ qrSvgUrl: string }>;
      check(tickets.length === 2, `expected 2 tickets, got ${tickets.length}: ${describe(res)}`);
      for (const t of tickets) {
        const qr = await fetch(new URL(t.qrSvgUrl, ctx.base));
        check(
          qr.status === 200 && (qr.headers.get("content-type") ?? "").includes("svg"),
          `QR ${t.qrSvgUrl} answered ${qr.status}`,
        );
      }
    },
  },
  {
    name: "ledger audit (GET /api/admin/events/:eventId/audit: available + held + sold = capacity)",
    async run(ctx) {
      const res = await call(ctx.base, `/api/admin/events/${ctx.eventId}/audit`, { auth: ctx.admin });
      const ga = res.json?.classes?.[0];
      check(res.status === 200 && res.json.ok === true && ga?.sold === 2 && ga.available === 3, describe(res));
    },
  },
  {
    name: "close the smoke event (POST /api/admin/events/:eventId/status)",
    async run(ctx) {
      const res = await call(ctx.base, `/api/admin/events/${ctx.eventId}/status`, {
        method: "POST",
        auth: ctx.admin,
        body: { status: "closed" },
      });
      check(res.status === 200, describe(res));
    },
  },
];

/** Runs the steps in order; the first that fails is named. */
async function smoke(base: string, credentials: string, say: (line: string) => void): Promise<boolean> {
  const ctx: Context = {
    base: base.replace(/\/$/, ""),
    admin: basicAuth(credentials),
    eventId: "",
    classId: "",
    fan: null,
    admissionToken: "",
    order: { orderId: "", orderToken: "", paymentUrl: "" },
  };
  try {
    for (const [i, step] of steps.entries()) {
      try {
        await step.run(ctx);
      } catch (err) {
        say(`contract smoke: FAILED at step ${i + 1}/${steps.length}, "${step.name}": ${(err as Error).message}`);
        return false;
      }
      say(`  ok  ${i + 1}. ${step.name}`);
    }
    say("contract smoke: every step answered as the contract says");
    return true;
  } finally {
    ctx.fan?.close();
  }
}

async function main(): Promise<void> {
  const [url, credentials] = process.argv.slice(2);
  if (!url || !credentials?.includes(":")) {
    console.error(
      "usage: npm run smoke -- <url> <admin-user>:<password>   e.g. npm run smoke -- http://127.0.0.1:3000 admin:stampede-dev-admin",
    );
    process.exit(2);
  }
  const ok = await smoke(url, credentials, (line) => console.log(line));
  process.exit(ok ? 0 : 1);
}

await main();
