// Goal: `npm run audit` reads the live database with the server's configuration and says whether
// every figure adds up: exit 0 and one line per tier after a clean sale; exit 1 naming the
// disagreement once the orders and the ledger disagree (an order's status changed by hand, the
// negative control); `--watch` adds the settlement checks (I3: tickets of an order that is not
// paid); exit 2 on bad arguments, an unknown event or a database it cannot reach.
import { spawn } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { admittedFan, completePayment, hold, orderReaches } from "./support/checkout.js";
import { createEvent } from "./support/fans.js";
import { repoRoot } from "./support/processes.js";
import { closedPort } from "./support/services.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const served = useStack();

function audit(args: string[], databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/src/cli/audit.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, LEDGER: "postgres" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => child.once("exit", (code) => (clearTimeout(timer), resolve({ code, output }))));
}

async function sql(text: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: served.stack.db.url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

describe("npm run audit", () => {
  it("passes after a clean sale, and names the problem once the orders and the ledger disagree", async () => {
    const event = await createEvent(served.url, stackAdmin, {
      name: "Audited",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 5 }],
      waitingRoom: { admitPerMinute: 60_000, holdSeconds: 60 },
    });
    const fan = served.closeAfter(await admittedFan(served.url, event.id));
    const held = await hold(served.url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 2 }]);
    expect(held.status).toBe(201);
    expect((await completePayment(served.url, held.body.paymentUrl, "succeeded")).status).toBe(200);
    await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid", 30_000);

    const clean = await audit(["--event", event.id], served.stack.db.url);
    expect(clean.output).toMatch(/tier GA +capacity 5 +available 3 +held 0 +sold 2 .*orders: paid 2, held 0.* ok/);
    expect(clean.output).toContain("audit: ok");
    expect(clean.code).toBe(0);
    const json = await audit(["--json"], served.stack.db.url);
    expect(json.code).toBe(0);
    const ga = { code: "GA", sold: 2, available: 3 };
    expect(JSON.parse(json.output)).toMatchObject({ ok: true, events: [{ eventId: event.id, classes: [ga] }] });
    const watched = await audit(["--watch", "1", "--every", "0.5", "--grace", "0"], served.stack.db.url);
    expect(watched.output).toContain("history: no violation of I1–I4");
    expect(watched.code).toBe(0);

    // The ledger sold 2 tickets; the orders now say none are paid.
    await sql("UPDATE orders SET status = 'expired' WHERE id = $1", [held.body.orderId]);
    const broken = await audit([], served.stack.db.url);
    expect(broken.output).toMatch(/tier GA .* PROBLEM\n +! ledger sold 2 is 2 more than paid orders' tickets \(0\)/);
    expect(broken.output).toContain("audit: PROBLEMS in 1 of 1 events");
    expect(broken.code).toBe(1);
    const brokenWatch = await audit(["--watch", "1", "--grace", "0"], served.stack.db.url);
    expect(brokenWatch.output).toContain("2 valid tickets belong to an order that is expired, not paid");
    expect(brokenWatch.output).toMatch(/ledger↔orders .* tier GA: ledger sold 2 is 2 more/);
    expect(brokenWatch.code).toBe(1);

    // Paid again, but the captured payment is also refunded, and one ticket is gone: I3 twice.
    await sql("UPDATE orders SET status = 'paid' WHERE id = $1", [held.body.orderId]);
    await sql(
      `INSERT INTO mockpay_refunds (id, session_id, amount_cents, reason)
       SELECT 're_' || md5(id), id, amount_cents, 'by hand' FROM mockpay_sessions WHERE order_id = $1`,
      [held.body.orderId],
    );
    await sql("DELETE FROM tickets WHERE id = (SELECT id FROM tickets WHERE order_id = $1 LIMIT 1)", [
      held.body.orderId,
    ]);
    const refunded = await audit(["--watch", "1", "--grace", "0"], served.stack.db.url);
    expect(refunded.output).toMatch(/I3 .* captured payment ps_[0-9a-f]+ is both a paid order and a refund/);
    expect(refunded.output).toMatch(/I3 .* paid order has 1 tickets of tier [0-9a-f-]+, it bought 2/);
    expect(refunded.code).toBe(1);
  }, 180_000);

  it("exits 2 on bad arguments, an unknown event, and a database it cannot reach", async () => {
    const bad = await audit(["--watch"], served.stack.db.url);
    expect(bad.output).toContain("usage: npm run audit --");
    expect(bad.code).toBe(2);
    const unknown = await audit(["--event", "00000000-0000-4000-8000-000000000000"], served.stack.db.url);
    expect(unknown.output).toContain("no event 00000000-0000-4000-8000-000000000000");
    expect(unknown.code).toBe(2);
    const away = await audit([], `postgres://postgres@127.0.0.1:${await closedPort()}/stampede`);
    expect(away.output).toMatch(/cannot read PostgreSQL at 127\.0\.0\.1:\d+ \(DATABASE_URL\)/);
    expect(away.code).toBe(2);
  }, 120_000);
});
