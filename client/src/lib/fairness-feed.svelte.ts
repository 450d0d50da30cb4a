// The fairness audit's public figures for the transparency board (`GET /api/events/:id/fairness`),
// re-read every fairnessRefreshMs. The last figures stay shown while a refresh is under way or
// fails: a board on a projector should not blink.
import type { FairnessSummary } from "@stampede/shared/api/fairness";
import type { Api } from "./api.js";
import { systemClock, type Clock } from "./clock.js";
import * as endpoints from "./endpoints.js";
import { fairnessRefreshMs } from "./limits.js";

export class FairnessFeed {
  summary = $state.raw<FairnessSummary | null>(null);

  #api: Pick<Api, "get">;
  #eventId: string;
  #clock: Clock;
  #timer: ReturnType<Clock["setInterval"]> | null = null;
  #abort = new AbortController();

  constructor(api: Pick<Api, "get">, eventId: string, clock: Clock = systemClock) {
    this.#api = api;
    this.#eventId = eventId;
    this.#clock = clock;
  }

  start(): void {
    void this.#read();
    this.#timer = this.#clock.setInterval(() => void this.#read(), fairnessRefreshMs);
  }

  destroy(): void {
    this.#abort.abort();
    if (this.#timer !== null) this.#clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  async #read(): Promise<void> {
    const result = await this.#api.get(endpoints.fairness(this.#eventId), { signal: this.#abort.signal });
    if (!this.#abort.signal.aborted && result.ok) this.summary = result.data;
  }
}
