// A chaos run end to end: its own cluster, one event on sale, the history checker sampling the
// invariants every second, the seeded crowd and the seeded faults at once; then the run waits for
// everything to come to rest (every hold ended, every webhook delivered, every refund carried
// out), takes the final audit and the settlement checks, and reads what the sale came to.
import type { Pool } from "../../../src/adapters/postgres/pool.js";
import { createPool } from "../../../src/adapters/postgres/pool.js";
import { createLedger } from "../../../src/adapters/ledger.js";
import { HistoryChecker, type HistoryResult } from "../../../src/audit/history.js";
import { chaosAdmin, startCluster, type Cluster } from "./cluster.js";
import { runChaosFan, type SaleEvent } from "./fan.js";
import { sendWithRetries } from "./fan-http.js";
import { describeFault, type ChaosPlan, type FaultPlan } from "./plan.js";
import { newTally, stepsLine, type Tally } from "./tally.js";

export interface FaultRun {
  fault: FaultPlan;
  startedAtMs: number;
  endedAtMs: number;
  error: string | null;
}

export interface SaleFigures {
  orders: Record<string, number>;
  tickets: number;
  capturedPayments: number;
  refunds: number;
}

export interface ChaosResult {
  plan: ChaosPlan;
  startedMs: number;
  tally: Tally;
  faults: FaultRun[];
  history: HistoryResult;
  sale: SaleFigures;
  /** Time from the last fan to rest, or null when rest never came (reported as a violation of I4 or I3). */
  restAfterMs: number | null;
  unexpectedExits: string[];
  /** Replacements that refused to start while a dependency was down (started again). */
  startRefusals: string[];
}

const progressEveryMs = 10_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createSale(cluster: Cluster, plan: ChaosPlan, tally: Tally): Promise<SaleEvent> {
  const auth = `Basic ${Buffer.from(`${chaosAdmin.username}:${chaosAdmin.password}`).toString("base64")}`;
  const { holdSeconds } = plan.size;
  const admitPerMinute = Math.max(60, Math.round((plan.size.fans / (plan.size.arrivalMs / 60_000)) * 1.2));
  const reply = await sendWithRetries(
    cluster.url,
    "/api/admin/events",
    {
      method: "POST",
      auth,
      body: {
        name: `Chaos seed ${plan.seed}`,
        status: "on_sale",
        classes: plan.tiers.map((t) => ({
          code: t.code,
          name: t.code,
          priceCents: 2_500,
          capacity: t.capacity,
          perOrderMax: 2,
        })),
        // Admissions short enough that a fan who never comes back (its leave lost to a fault) frees its slot within the run.
        waitingRoom: { admitPerMinute, maxActiveCheckouts: 40, holdSeconds, admissionTtlSeconds: holdSeconds * 4 },
      },
    },
    Date.now() + 60_000,
    tally,
  );
  if (reply?.status !== 201)
    throw new Error(`could not create the event: ${reply?.status ?? "no answer"} ${JSON.stringify(reply?.json)}`);
  return { id: reply.json.id as string, classIds: (reply.json.classes as Array<{ id: string }>).map((c) => c.id) };
}

/**
 * Each fault at its moment, whether or not the one before has finished (a replacement server can
 * take a while to start on a loaded machine; the schedule must not drift with it).
 */
async function runFaults(
  cluster: Cluster,
  plan: ChaosPlan,
  startedMs: number,
  log: (line: string) => void,
): Promise<FaultRun[]> {
  const at = (ms: number) => `+${((ms - startedMs) / 1000).toFixed(1)}s`;
  return Promise.all(
    plan.faults.map(async (fault): Promise<FaultRun> => {
      await pause(Math.max(0, startedMs + fault.atMs - Date.now()));
      const run: FaultRun = { fault, startedAtMs: Date.now(), endedAtMs: 0, error: null };
      log(`  ${at(run.startedAtMs)}  ${describeFault(fault, plan)}…`);
      try {
        await cluster.fault(fault, plan.redisKeepsData);
      } catch (err) {
        run.error = (err as Error).message;
      }
      run.endedAtMs = Date.now();
      log(`  ${at(run.endedAtMs)}  ${run.error ? `FAILED: ${run.error}` : "done"}: ${fault.kind}`);
      return run;
    }),
  );
}

/** Waits until nothing is in flight: no held order, no undelivered webhook, no pending refund. */
async function untilRest(pool: Pool, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool
      .query<{ busy: string }>(
        `SELECT (SELECT count(*) FROM orders WHERE status = 'held') + (SELECT count(*) FROM mockpay_events WHERE delivered_at IS NULL)
            + (SELECT count(*) FROM refund_intents WHERE done_at IS NULL) AS busy`,
      )
      .catch(() => ({ rows: [{ busy: "1" }] }));
    if (rows[0]?.busy === "0") return true;
    await pause(500);
  }
  return false;
}

async function saleFigures(pool: Pool): Promise<SaleFigures> {
  const { rows } = await pool.query<{ status: string; n: string }>(
    "SELECT status, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
  );
  const one = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  return {
    orders: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])),
    tickets: await one("SELECT count(*) AS n FROM tickets WHERE voided_at IS NULL"),
    capturedPayments: await one("SELECT count(*) AS n FROM mockpay_sessions WHERE status = 'succeeded'"),
    refunds: await one("SELECT count(*) AS n FROM mockpay_refunds"),
  };
}

/** `onCluster` is handed the cluster's close, for a caller that must tear it down on a signal. */
export async function runChaos(
  plan: ChaosPlan,
  fanLifetimeMs: number,
  log: (line: string) => void,
  onCluster?: (close: () => Promise<void>) => void,
): Promise<ChaosResult> {
  const cluster = await startCluster();
  onCluster?.(() => cluster.close());
  const pool = createPool(cluster.databaseUrl, { max: 3, applicationName: "stampede-chaos" });
  const ledger = createLedger("postgres", { databaseUrl: cluster.databaseUrl });
  try {
    const tally = newTally();
    const event = await createSale(cluster, plan, tally);
    const history = new HistoryChecker({ ledger, pool, eventId: event.id, everyMs: 1_000 });
    history.start();
    const startedMs = Date.now();
    log(`run: 2 servers behind ${cluster.url}, 2 workers; event ${event.id}`);
    const seconds = () => ((Date.now() - startedMs) / 1000).toFixed(0);
    const progressLine = () =>
      `  +${seconds()}s  fans done ${tally.done}/${plan.fans.length}; still out: ${stepsLine(tally)}`;
    const progress = setInterval(() => log(progressLine()), progressEveryMs);
    const crowd = Promise.all(
      plan.fans.map((f) => runChaosFan(cluster.url, event, f, startedMs, fanLifetimeMs, tally)),
    );
    const [faults] = await Promise.all([runFaults(cluster, plan, startedMs, log), crowd]);
    clearInterval(progress);
    const fansDoneMs = Date.now();
    log(
      `run: every fan done at +${((fansDoneMs - startedMs) / 1000).toFixed(1)}s; waiting for every hold, webhook and refund to end…`,
    );
    const rested = await untilRest(pool, (plan.size.holdSeconds + 150) * 1000);
    const restAfterMs = rested ? Date.now() - fansDoneMs : null;
    const result = await history.finish(0);
    const unexpectedExits = cluster.unexpectedExits().map((p) => p.output().slice(-2_000));
    const sale = await saleFigures(pool);
    return {
      plan,
      startedMs,
      tally,
      faults,
      history: result,
      sale,
      restAfterMs,
      unexpectedExits,
      startRefusals: cluster.startRefusals(),
    };
  } finally {
    await ledger.close().catch(() => {});
    await pool.end().catch(() => {});
    await cluster.close();
  }
}
