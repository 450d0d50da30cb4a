// The auto-batcher: concurrent calls are coalesced into one backend call, because one call of
// 500 holds costs about what one call of 1 costs on a hot account (and one multi-row statement
// about what one row costs). Each caller gets back exactly its own slice of the results.
//
// Rules that keep a ledger's meaning intact (the ledger passes `closesCall` = "still linked"):
// - a caller's events are never split across calls and stay in order, so its linked chains
//   stay whole; merging callers is like running them one after the other;
// - a caller whose last event is still `linked` (an open chain) goes last in its call, so its
//   chain fails with linked_event_chain_open exactly as it would alone, never joining the next caller's;
// - a call carries at most maxEvents events (a bigger single caller goes alone), waits at most
//   maxWaitMs for company, and at most maxInFlight calls run at once;
// - every caller hears back within deadlineMs (LedgerUnavailableError otherwise; a caller still
//   queued at that point is dropped before it is sent).
import { assert } from "@stampede/shared/assert";
import { ledgerBatchEventsMax } from "@stampede/shared/limits";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";

export interface BatcherOptions {
  maxEvents: number;
  maxWaitMs: number;
  maxInFlight: number;
  deadlineMs: number;
  /** Called once per backend call with its size (metrics, benchmarks). */
  onBatch?: (events: number) => void;
  /** A caller whose last event answers true goes last in its call (a ledger's open linked chain). */
  closesCall?: (lastEvent: unknown) => boolean;
  /** The error a caller gets when the backend does not answer in time or the batcher is closed. */
  unavailable?: (message: string) => Error;
}

interface Submission<E, R> {
  events: readonly E[];
  resolve: (results: R[]) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  settled: boolean;
}

const linkedFlag = 1; // the same bit for accounts and transfers

/** For ledger events: an open linked chain closes the call. */
export const linkedChainOpen = (e: unknown): boolean => ((e as { flags: number }).flags & linkedFlag) !== 0;

export class Batcher<E, R> {
  private queue: Submission<E, R>[] = [];
  private queuedEvents = 0;
  private inFlight = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly send: (events: E[]) => Promise<R[]>,
    private readonly options: BatcherOptions,
  ) {
    assert(options.maxEvents >= 1 && options.maxEvents <= ledgerBatchEventsMax, "maxEvents out of range");
    assert(options.maxInFlight >= 1, "maxInFlight must be at least 1");
  }

  submit(events: readonly E[]): Promise<R[]> {
    assert(!this.closed, "batcher is closed");
    assert(events.length <= ledgerBatchEventsMax, `a request holds at most ${ledgerBatchEventsMax} events`);
    if (events.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const submission: Submission<E, R> = { events, resolve, reject, settled: false, timer: undefined as never };
      submission.timer = setTimeout(() => this.expire(submission), this.options.deadlineMs);
      this.queue.push(submission);
      this.queuedEvents += events.length;
      this.schedule();
    });
  }

  /** Rejects whatever is still queued; calls in flight finish on their own. */
  close(): void {
    this.closed = true;
    for (const s of this.queue) this.settle(s, () => s.reject(this.unavailable("closed")));
    this.queue = [];
    this.queuedEvents = 0;
  }

  private expire(s: Submission<E, R>): void {
    const index = this.queue.indexOf(s);
    if (index !== -1) {
      this.queue.splice(index, 1); // never sent: safe to drop
      this.queuedEvents -= s.events.length;
    }
    this.settle(s, () => s.reject(this.unavailable(`no answer within ${this.options.deadlineMs} ms`)));
  }

  private unavailable(message: string): Error {
    return this.options.unavailable
      ? this.options.unavailable(message)
      : new LedgerUnavailableError(`ledger: ${message}`);
  }

  private settle(s: Submission<E, R>, fn: () => void): void {
    if (s.settled) return;
    s.settled = true;
    clearTimeout(s.timer);
    fn();
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    if (this.queuedEvents >= this.options.maxEvents) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (this.inFlight < this.options.maxInFlight) this.flush();
    };
    if (this.options.maxWaitMs > 0) setTimeout(run, this.options.maxWaitMs);
    else setImmediate(run);
  }

  /** Takes whole submissions in arrival order up to maxEvents; an open chain closes the call. */
  private take(): Submission<E, R>[] {
    const taken: Submission<E, R>[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (taken.length > 0 && events + next.events.length > this.options.maxEvents) break;
      this.queue.shift();
      taken.push(next);
      events += next.events.length;
      if (this.options.closesCall?.(next.events[next.events.length - 1])) break;
    }
    this.queuedEvents -= events;
    return taken;
  }

  private flush(): void {
    const taken = this.take();
    if (taken.length === 0) return;
    const events = taken.flatMap((s) => s.events);
    this.inFlight += 1;
    this.options.onBatch?.(events.length);
    this.send(events)
      .then(
        (results) => {
          assert(results.length === events.length, "ledger answered a different number of results");
          let offset = 0;
          for (const s of taken) {
            const slice = results.slice(offset, offset + s.events.length);
            offset += s.events.length;
            this.settle(s, () => s.resolve(slice));
          }
        },
        (err: unknown) => {
          for (const s of taken) this.settle(s, () => s.reject(err));
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    this.schedule();
  }
}
