// One simulated fan of the demo crowd: session, socket, join, wait, and once admitted buy (hold +
// MockPay Pay), decline at MockPay, abandon the hold (it expires on its own), or leave the queue
// while waiting. Only the public contract is used; the tally is what the progress line prints.
import {
  admissionOf,
  completePayment,
  connectSocket,
  fanOf,
  holdTickets,
  newSession,
  poll,
  type Answer,
  type Fan,
} from "./fan-client.js";

export type Outcome = "paid" | "declined" | "abandoned" | "left" | "sold_out" | "stopped" | "failed";

export interface Tally {
  arrived: number;
  waiting: number;
  admitted: number;
  done: Record<Outcome, number>;
  errors: string[];
}

export function newTally(): Tally {
  return {
    arrived: 0,
    waiting: 0,
    admitted: 0,
    done: { paid: 0, declined: 0, abandoned: 0, left: 0, sold_out: 0, stopped: 0, failed: 0 },
    errors: [],
  };
}

export interface CrowdEvent {
  id: string;
  classes: Array<{ id: string; code: string; perOrderMax: number }>;
}

/** What the fan will do; drawn when it arrives. */
type Plan = "buy" | "decline" | "abandon" | "leave";

export interface FanOptions {
  base: string;
  event: CrowdEvent;
  tally: Tally;
  /** Set when the crowd is stopping (Ctrl-C or time up): fans still waiting leave the queue. */
  stopping: () => boolean;
  random?: () => number;
}

const planWeights: Array<[Plan, number]> = [
  ["buy", 0.65],
  ["decline", 0.1],
  ["abandon", 0.1],
  ["leave", 0.15],
];
/** A waiting fan checks this often whether the crowd is stopping or its patience ran out. */
const waitTickMs = 500;

function pick<T>(weights: Array<[T, number]>, r: number): T {
  let acc = 0;
  for (const [value, weight] of weights) {
    acc += weight;
    if (r < acc) return value;
  }
  return weights[weights.length - 1]![0];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new fan session; a 429 (too many new sessions from this address) is waited out, as a browser would retry. */
async function sessionWithRetry(
  base: string,
  stopping: () => boolean,
): Promise<{ fanId: string; fanToken: string } | null> {
  for (;;) {
    const res: Answer = await newSession(base);
    if (res.status === 201 || res.status === 200) return res.json as { fanId: string; fanToken: string };
    if (res.status !== 429 || stopping()) throw new Error(`POST /api/session answered ${res.status}`);
    await pause(Number(res.json?.error?.details?.retryAfterSeconds ?? 5) * 1000);
  }
}

/** Waits for admission; a fan planning to leave gives up after its patience, a stopping crowd at once. */
async function waitForTurn(
  fan: Fan,
  options: FanOptions,
  entry: Parameters<typeof admissionOf>[2],
  patienceMs: number,
): Promise<string | null> {
  const until = Date.now() + patienceMs;
  const token = await poll(
    async () => {
      if (options.stopping() || Date.now() > until) return "give-up";
      return admissionOf(fan, options.event.id, entry, 0);
    },
    Number.MAX_SAFE_INTEGER,
    waitTickMs,
  );
  return token === "give-up" ? null : token;
}

async function checkout(
  fan: Fan,
  options: FanOptions,
  admissionToken: string,
  plan: Plan,
  r: () => number,
): Promise<Outcome> {
  const cls = options.event.classes[Math.floor(r() * options.event.classes.length)]!;
  const quantity = 1 + Math.floor(r() * Math.min(2, cls.perOrderMax));
  await pause(1_000 + r() * 4_000); // choosing seats
  const hold = await holdTickets(options.base, fan, options.event.id, admissionToken, [{ classId: cls.id, quantity }]);
  if (hold.status === 409) return "sold_out";
  if (hold.status !== 201) throw new Error(`hold answered ${hold.status} ${hold.text.slice(0, 120)}`);
  if (plan === "abandon") return "abandoned";
  await pause(1_000 + r() * 3_000); // typing card details
  const pay = await completePayment(
    options.base,
    hold.json.paymentUrl as string,
    plan === "decline" ? "failed" : "succeeded",
  );
  if (pay.status !== 200) throw new Error(`MockPay answered ${pay.status}`);
  return plan === "decline" ? "declined" : "paid";
}

/** One fan from arrival to its outcome; never throws (failures are counted). */
export async function runFan(options: FanOptions): Promise<Outcome> {
  const r = options.random ?? Math.random;
  const { tally } = options;
  const plan = pick(planWeights, r());
  let fan: Fan | null = null;
  let waiting = false;
  let outcome: Outcome = "failed";
  try {
    const session = await sessionWithRetry(options.base, options.stopping);
    if (!session || options.stopping()) return (outcome = "stopped");
    fan = fanOf(session, await connectSocket(options.base, session.fanToken));
    tally.arrived++;
    const ack = await fan.join(options.event.id);
    if (!ack.ok) throw new Error(`queue:join: ${ack.error.code}`);
    tally.waiting++;
    waiting = true;
    const patienceMs = plan === "leave" ? 10_000 + r() * 50_000 : Number.MAX_SAFE_INTEGER;
    const token = await waitForTurn(fan, options, ack.data, patienceMs);
    tally.waiting--;
    waiting = false;
    if (!token) {
      await fan.leave(options.event.id).catch(() => undefined);
      return (outcome = options.stopping() ? "stopped" : "left");
    }
    tally.admitted++;
    return (outcome = options.stopping()
      ? "stopped"
      : await checkout(fan, options, token, plan === "leave" ? "buy" : plan, r));
  } catch (err) {
    if (tally.errors.length < 5) tally.errors.push((err as Error).message);
    return (outcome = "failed");
  } finally {
    if (waiting) tally.waiting--;
    tally.done[outcome]++;
    fan?.close();
  }
}
