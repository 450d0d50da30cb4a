// The checkout's capacity in paid tickets per second, measured the `purchase` way (closed loop,
// hold → MockPay → webhook → paid, concurrency 200) on the stack and for the seconds given: what
// `overload` and `flash-sale` compare their goodput and sell-out time with, in the same invocation.
import { runGenerators } from "./child.js";
import { mergeHttp, okCount } from "./merge.js";
import { benchEvent } from "./stack.js";
import { round } from "./stats.js";
import type { HttpGenResult } from "../gen/http.js";

export interface Capacity {
  paidPerSecond: number;
  p99Ms: number;
  errors: number;
}

export async function measureCapacity(
  url: string,
  options: { seconds?: number; concurrency?: number; fans?: number } = {},
): Promise<Capacity> {
  const concurrency = options.concurrency ?? 200;
  const event = await benchEvent(url, { name: "bench capacity", classes: [{ code: "GA", capacity: 10_000_000 }] });
  const { results } = await runGenerators<HttpGenResult>("http", [{
    deadlineSeconds: 600, mode: "purchase", url, concurrency, seconds: options.seconds ?? 10, count: options.fans ?? 3_000,
    eventId: event.id, classId: event.classes[0]!.id,
  }]);
  const m = mergeHttp(results);
  const paid = okCount(m.statuses, "paid");
  return { paidPerSecond: round(paid / m.elapsedSeconds, 1), p99Ms: m.latency.p99Ms, errors: m.ops - paid };
}
