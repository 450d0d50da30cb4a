// The checkout's capacity in paid tickets per second, measured the `purchase` way (closed loop,
// hold → MockPay → webhook → paid, concurrency 200) on the stack and for the seconds given: what
// `overload` and `flash-sale` compare their goodput and sell-out time with, in the same invocation.
import { runGenerators } from "./child.js";
import { cpuSnapshot, cpuSplit } from "./proc-cpu.js";
import { mergeHttp, okCount } from "./merge.js";
import { benchEvent } from "./stack.js";
import { round } from "./stats.js";
import type { HttpGenResult } from "../gen/http.js";

export interface Capacity {
  paidPerSecond: number;
  p99Ms: number;
  errors: number;
  /** CPU seconds per process kind over the timed phase, and its length: what the box gave the checkout. */
  cpu: { seconds: Record<string, number>; wallSeconds: number };
}

export async function measureCapacity(
  url: string,
  options: { seconds?: number; concurrency?: number; fans?: number } = {},
): Promise<Capacity> {
  const concurrency = options.concurrency ?? 200;
  const event = await benchEvent(url, { name: "bench capacity", classes: [{ code: "GA", capacity: 10_000_000 }] });
  const seconds = options.seconds ?? 10;
  // The CPU is read again as the timed phase ends, while the generators still run (an exited
  // process's time is gone from /proc).
  let phase: Promise<Capacity["cpu"]> = Promise.resolve({ seconds: {}, wallSeconds: 0 });
  const { results } = await runGenerators<HttpGenResult>(
    "http",
    [
      {
        deadlineSeconds: 600,
        mode: "purchase",
        url,
        concurrency,
        seconds,
        count: options.fans ?? 3_000,
        eventId: event.id,
        classId: event.classes[0]!.id,
      },
    ],
    async () => {
      const before = cpuSnapshot();
      const read = () => ({ seconds: cpuSplit(before, cpuSnapshot()), wallSeconds: seconds });
      phase = new Promise((resolve) => setTimeout(() => resolve(read()), seconds * 1_000));
    },
  );
  const cpu = await phase;
  const m = mergeHttp(results);
  const paid = okCount(m.statuses, "paid");
  return { paidPerSecond: round(paid / m.elapsedSeconds, 1), p99Ms: m.latency.p99Ms, errors: m.ops - paid, cpu };
}
