// One item per caller, many callers per backend call: concurrent single-row writes and reads go
// to PostgreSQL as one multi-row statement (performance.md: "batching is the lever"). Built on
// the ledger's auto-batcher. A call that fails for a reason other than an unavailable backend is
// re-sent item by item, so one bad row answers only its own caller.
import { assert } from "@stampede/shared/assert";
import { Batcher } from "./batcher.js";

export interface CoalesceOptions {
  /** Items per backend call (default 500). */
  maxItems?: number;
  /** Backend calls at once (default 2): while they run, the next call fills up. */
  maxInFlight?: number;
  deadlineMs: number;
  /** Backend down, not this batch's fault: every caller of the call gets the error as is. */
  isUnavailable: (err: unknown) => boolean;
  unavailable: (message: string) => Error;
  onBatch?: (items: number) => void;
}

type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface Coalesced<I, O> {
  (item: I): Promise<O>;
  close(): void;
}

export function coalesce<I, O>(send: (items: I[]) => Promise<O[]>, options: CoalesceOptions): Coalesced<I, O> {
  const sendOne = async (item: I): Promise<Settled<O>> => {
    try {
      const [value] = await send([item]);
      return { ok: true, value: value as O };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const sendAll = async (items: I[]): Promise<Array<Settled<O>>> => {
    try {
      const values = await send(items);
      assert(values.length === items.length, "a batched call answered a different number of results");
      return values.map((value) => ({ ok: true, value }));
    } catch (err) {
      if (items.length === 1 || options.isUnavailable(err)) throw err;
      return Promise.all(items.map(sendOne));
    }
  };
  const batcher = new Batcher<I, Settled<O>>(sendAll, {
    maxEvents: options.maxItems ?? 500,
    maxWaitMs: 0,
    maxInFlight: options.maxInFlight ?? 2,
    deadlineMs: options.deadlineMs,
    onBatch: options.onBatch,
    unavailable: options.unavailable,
  });
  const call = async (item: I): Promise<O> => {
    const [result] = await batcher.submit([item]);
    assert(result, "batcher answered nothing");
    if (!result.ok) throw result.error;
    return result.value;
  };
  return Object.assign(call, { close: () => batcher.close() });
}

/** In a batch, the index of the first item of each key (later items of a key are left for the one-by-one path). */
export function firstIndexByKey<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => first.has(key(item)) || first.set(key(item), i));
  return first;
}
