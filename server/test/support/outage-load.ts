// A light, steady load of fans (session → socket → join → hold → pay) for tests that take a
// dependency away under it. Every HTTP answer is recorded so the test can judge what fans saw
// during the outage: answers or 503 not_ready with Retry-After, never a 500 and never a hang.
import { connectFan, waitFor } from "./fans.js";
import { sessionIdOf } from "./checkout.js";

/** Longer than any server-side deadline (statement timeout, batch deadline): beyond it a request hangs. */
const hangMs = 30_000;
/** Admission is pushed on the next tick; without one in this long (Redis gone), the fan gives up. */
const admissionWaitMs = 15_000;

export interface Answer {
  what: string;
  status: number | "hang" | "network";
  code?: string;
  retryAfter?: string | null;
}

export interface OutageLoad {
  answers: Answer[];
  /** Completed purchases (hold answered 201 and the payment accepted). */
  paid: number;
  /** Stops the loops and resolves once every one has finished its iteration. */
  stop(): Promise<void>;
}

async function call(
  answers: Answer[],
  what: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(hangMs) });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const code = (body.error as { code?: string } | undefined)?.code;
    answers.push({ what, status: res.status, code, retryAfter: res.headers.get("retry-after") });
    return { status: res.status, body };
  } catch (err) {
    const timedOut = (err as Error).name === "TimeoutError";
    answers.push({ what, status: timedOut ? "hang" : "network" });
    return null;
  }
}

async function oneFan(base: string, eventId: string, classId: string, load: OutageLoad): Promise<void> {
  const session = await call(load.answers, "session", `${base}/api/session`, { method: "POST" });
  if (session?.status !== 201) return;
  const fan = await connectFan(base, session.body as { fanId: string; fanToken: string }).catch(() => null);
  if (!fan) return;
  try {
    const ack = await fan.join(eventId).catch(() => null);
    if (!ack?.ok) return;
    const token =
      ack.data.admission?.token ??
      (await waitFor("admission", () => fan.admitted.find((a) => a.eventId === eventId)?.token, admissionWaitMs).catch(
        () => null,
      ));
    if (!token) return;
    const held = await call(load.answers, "hold", `${base}/api/events/${eventId}/holds`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fan.fanToken}` },
      body: JSON.stringify({ admissionToken: token, items: [{ classId, quantity: 1 }], email: "fan@example.test" }),
    });
    if (held?.status !== 201) return;
    const paymentUrl = String(held.body.paymentUrl);
    const pay = await call(load.answers, "pay", `${base}/mockpay/api/sessions/${sessionIdOf(paymentUrl)}/complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ outcome: "succeeded" }),
    });
    if (pay && pay.status < 300) load.paid += 1;
  } finally {
    fan.close();
  }
}

/** Starts `loops` fans in a row each, against the event's class (admission must be immediate). */
export function startOutageLoad(base: string, eventId: string, classId: string, loops = 3): OutageLoad {
  let running = true;
  const load: OutageLoad = {
    answers: [],
    paid: 0,
    async stop() {
      running = false;
      await Promise.all(finished);
    },
  };
  const loop = async () => {
    while (running) {
      await oneFan(base, eventId, classId, load).catch(() => {});
      // A pause so a refused connection does not become a tight loop.
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const finished = Array.from({ length: loops }, loop);
  return load;
}

/** What a fan must never see: a 500, a hang, or a 503 without a code and Retry-After. */
export function badAnswers(answers: Answer[]): Answer[] {
  return answers.filter((a) => {
    if (a.status === "hang") return true;
    if (a.status === "network") return false; // the server refused the connection? it must not exit: asserted separately
    if (a.status >= 500 && a.status !== 503) return true;
    if (a.status === 503) return !["not_ready", "ledger_unavailable"].includes(a.code ?? "") || !a.retryAfter;
    return false;
  });
}
