// The dashboard's waiting-list figures (GET /api/admin/events/:eventId/waitlist): fans waiting on
// the list after a sell-out and the claims open now, read every few seconds while the page is open.
import type { AdminWaitlistView } from "@stampede/shared/api/waitlist";
import type { Api } from "./api.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import * as endpoints from "./endpoints.js";

export const adminWaitlistPollMs = 5_000;

export class AdminWaitlist {
  figures = $state.raw<AdminWaitlistView | null>(null);
  #deps: { api: Pick<Api, "get">; eventId: string; onUnauthorized: () => void; clock?: Clock };
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(deps: { api: Pick<Api, "get">; eventId: string; onUnauthorized: () => void; clock?: Clock }) {
    this.#deps = deps;
  }

  start(): void {
    const clock = this.#deps.clock ?? systemClock;
    this.#timer = clock.setInterval(() => void this.load(), adminWaitlistPollMs);
    void this.load();
  }

  destroy(): void {
    this.#stopped = true;
    if (this.#timer !== null) (this.#deps.clock ?? systemClock).clearInterval(this.#timer);
  }

  async load(): Promise<void> {
    const result = await this.#deps.api.get(endpoints.adminWaitlist(this.#deps.eventId));
    if (this.#stopped) return;
    if (result.ok) this.figures = result.data;
    else if (result.error.code === "unauthorized") this.#deps.onUnauthorized();
  }
}
