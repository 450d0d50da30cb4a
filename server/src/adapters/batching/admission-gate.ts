// A bounded queue in front of work that costs: at most `concurrency` calls run at once, at most
// `queueMax` wait their turn (first come, first served), and a call that would queue behind a wait
// already longer than `queueWaitMaxMs` is refused too. A refusal is immediate — OverloadedError,
// which the HTTP layer answers 503 overloaded with Retry-After — never a request that waits until
// a client gives up. A queue allowed to grow only turns overload into timeouts. A gate may also
// yield to more urgent work (`yieldWhile`): while that says so, new arrivals are refused the same way.
import type { Clock } from "@stampede/shared/ports/clock";
import { assert } from "@stampede/shared/assert";

export class OverloadedError extends Error {
  constructor(
    readonly what: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${what}: too busy right now`);
  }
}

export interface GateOptions {
  /** Names the work in the refusal ("hold requests"). */
  what: string;
  concurrency: number;
  queueMax: number;
  /** Refuse new arrivals while the oldest queued call has waited longer than this. */
  queueWaitMaxMs: number;
  retryAfterSeconds?: number;
  /** Refuse new arrivals while this is true (more urgent work elsewhere is waiting). */
  yieldWhile?: () => boolean;
  onRefused?: () => void;
  now?: Clock;
}

interface Waiter {
  start: () => void;
  sinceMs: number;
}

export interface AdmissionGate {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
  /** How long the oldest queued call has waited (0 with none queued). */
  readonly oldestWaitMs: number;
}

export function admissionGate(options: GateOptions): AdmissionGate {
  assert(options.concurrency >= 1 && options.queueMax >= 0 && options.queueWaitMaxMs >= 0, "bad gate options");
  const now = options.now ?? (() => performance.now());
  const waiting: Waiter[] = [];
  let active = 0;

  /** A finished call hands its slot straight to the oldest waiter (active stays counted). */
  const release = () => {
    const next = waiting.shift();
    if (next) next.start();
    else active--;
  };
  const refuse = (): OverloadedError => {
    options.onRefused?.();
    return new OverloadedError(options.what, options.retryAfterSeconds ?? 1);
  };
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (options.yieldWhile?.()) throw refuse();
    if (active >= options.concurrency) {
      const oldest = waiting[0];
      if (waiting.length >= options.queueMax || (oldest && now() - oldest.sinceMs > options.queueWaitMaxMs))
        throw refuse();
      await new Promise<void>((start) => waiting.push({ start, sinceMs: now() }));
    } else {
      active++;
    }
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    run,
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    get oldestWaitMs() {
      const oldest = waiting[0];
      return oldest ? now() - oldest.sinceMs : 0;
    },
  };
}
