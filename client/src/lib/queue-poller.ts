// The REST fallback for fans whose network blocks websockets: `POST /api/events/:id/queue`
// joins (its JSON body the fan's proofs `{placeToken?, admissionToken?}`, when it has any), then
// `GET` every 2 s returns the fan's entry and the room's status (QueueView), with the fan token
// as `Authorization: Bearer`; `DELETE` leaves. Stock has no push here, so the event is re-read
// every few polls. The owner stops it the moment the socket connects.
import type { QueueEntry, QueueStatus, QueueView, StockUpdate } from "@stampede/shared/protocol";
import type { Api, ApiResult } from "./api.js";
import * as endpoints from "./endpoints.js";
import type { Clock } from "./clock.js";
import type { FanSessionPort } from "./fan-session.svelte.js";
import { queuePollIntervalMs, stockRefreshEveryPolls } from "./limits.js";
import { joinProblem, type JoinProblem } from "./queue-link.js";
import type { JoinProofs } from "./room-rebuild.svelte.js";

export interface QueuePollerDeps {
  eventId: string;
  api: Pick<Api, "get" | "post" | "delete">;
  session: FanSessionPort;
  clock: Clock;
  entry(entry: QueueEntry): void;
  status(status: QueueStatus): void;
  stock(stock: StockUpdate): void;
  problem(problem: JoinProblem | null): void;
  /** Whether the last poll got an answer (false: network down). */
  reachable(ok: boolean): void;
  /** True when the fan has no entry yet: the next poll joins (POST) instead of reading (GET). */
  needsJoin(): boolean;
  /** Sent as the body of every join (the server reads them only after the room was rebuilt). */
  proofs(): JoinProofs;
}

export class QueuePoller {
  running = false;
  #deps: QueuePollerDeps;
  #timer: ReturnType<Clock["setTimeout"]> | null = null;
  #inFlight: AbortController | null = null;
  #polls = 0;
  #renewed = false;
  #joinNext = false;

  constructor(deps: QueuePollerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.#polls = 0;
    void this.#poll();
  }

  stop(): void {
    this.running = false;
    this.#clearTimer();
    this.#inFlight?.abort();
    this.#inFlight = null;
  }

  /** `DELETE /api/events/:id/queue`: leaves without a socket. Returns whether the server answered yes. */
  async leave(): Promise<boolean> {
    const d = this.#deps;
    const result = await d.api.delete(endpoints.leaveQueue(d.eventId), {
      headers: { Authorization: `Bearer ${d.session.token ?? ""}` },
    });
    return result.ok;
  }

  /** The room was rebuilt: the next poll joins (POST) with the proofs, at once. False when not polling. */
  requestJoin(): boolean {
    if (!this.running) return false;
    this.#joinNext = true;
    return true;
  }

  pollNow(): void {
    if (!this.running) return;
    this.#clearTimer();
    void this.#poll();
  }

  async #poll(): Promise<void> {
    this.#inFlight?.abort();
    const call = new AbortController();
    this.#inFlight = call;
    const d = this.#deps;
    const options = { signal: call.signal, headers: { Authorization: `Bearer ${d.session.token ?? ""}` } };
    const join = this.#joinNext || d.needsJoin();
    const result: ApiResult<QueueView> = join
      ? await d.api.post(endpoints.joinQueue(d.eventId), joinBody(d.proofs()), options)
      : await d.api.get(endpoints.queue(d.eventId), options);
    if (!this.running || this.#inFlight !== call) return;
    let delayMs = queuePollIntervalMs;
    if (result.ok) {
      d.reachable(true);
      this.#renewed = false;
      this.#joinNext = result.data.entry === null; // the server lost us (e.g. a flushed store): join again
      if (result.data.entry) d.entry(result.data.entry);
      d.status(result.data.status);
      if (this.#joinNext && !join) delayMs = 0; // lost, or the room was rebuilt: join again at once, not a poll later
    } else if (result.error.code === "unauthorized" && !this.#renewed) {
      this.#renewed = true;
      await d.session.renew();
      delayMs = 0;
    } else {
      d.reachable(result.error.status !== 0);
      if (result.error.status !== 0) d.problem(joinProblem(result.error.code));
      if (result.error.retryAfterSeconds !== null) delayMs = Math.max(delayMs, result.error.retryAfterSeconds * 1000);
    }
    if (this.#polls++ % stockRefreshEveryPolls === 0) await this.#refreshStock(call.signal);
    if (this.running && this.#inFlight === call) this.#timer = d.clock.setTimeout(() => void this.#poll(), delayMs);
  }

  async #refreshStock(signal: AbortSignal): Promise<void> {
    const d = this.#deps;
    const result = await d.api.get(endpoints.event(d.eventId), { signal });
    if (!result.ok || !this.running) return; // stale stock is shown until the next refresh
    d.stock({
      eventId: d.eventId,
      classes: result.data.classes.map(({ id, code, available, held, sold }) => ({ id, code, available, held, sold })),
    });
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** The join's JSON body: the proofs the fan has, or no body at all when it has none. */
function joinBody(proofs: JoinProofs): JoinProofs | undefined {
  const none = proofs.placeToken === undefined && proofs.admissionToken === undefined && proofs.challenge === undefined;
  return none ? undefined : proofs;
}
