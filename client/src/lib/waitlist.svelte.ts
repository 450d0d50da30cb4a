// The event page's waiting list after a sell-out: the fan's entry (GET /api/events/:eventId/waitlist),
// read now and every few seconds while it can change (waiting, offered), joining it and leaving it.
// The list keeps the fan's place while the page is closed, so nothing here needs the socket: a poll
// is enough to see the offer (a signed-in fan is emailed too). An offer is an admission to the
// checkout: the page shows the waiting room then, whose join hands the same admission back.
import type { WaitlistEntry, WaitlistView } from "@stampede/shared/api/waitlist";
import { plainMessage, type Api, type ApiResult } from "./api.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import * as endpoints from "./endpoints.js";
import type { FanSessionPort } from "./fan-session.svelte.js";

export interface WaitingListDeps {
  eventId: string;
  api: Pick<Api, "get" | "post" | "delete">;
  session: FanSessionPort;
  clock?: Clock;
}

/** How often the entry is read again while it can change. */
export const waitlistPollMs = 3_000;

export class WaitingList {
  view = $state.raw<WaitlistView | null>(null);
  /** A join or leave is out. */
  busy = $state(false);
  problem = $state<string | null>(null);
  nowMs = $state(0);

  entry: WaitlistEntry | null = $derived(this.view?.entry ?? null);
  /** The fan may join now: the list is open and they are not on it (or their last entry ended). */
  canJoin = $derived(this.view?.open === true && !(this.entry?.state === "waiting" || this.entry?.state === "offered"));
  claimRemainingMs = $derived(
    this.entry?.state === "offered" && this.entry.claimDeadline
      ? Math.max(0, Date.parse(this.entry.claimDeadline) - this.nowMs)
      : null,
  );

  #deps: WaitingListDeps;
  #clock: Clock;
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(deps: WaitingListDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.nowMs = this.#clock.nowMs();
  }

  async start(): Promise<void> {
    this.#timer = this.#clock.setInterval(() => {
      this.nowMs = this.#clock.nowMs();
      if (this.entry?.state === "waiting" || this.entry?.state === "offered") void this.load();
    }, waitlistPollMs);
    await this.load();
  }

  destroy(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.#clock.clearInterval(this.#timer);
  }

  async load(): Promise<void> {
    const session = await this.#deps.session.ensure();
    if (!session.ok || this.#stopped) return;
    const result = await this.#deps.api.get(endpoints.waitlist(this.#deps.eventId));
    if (this.#stopped) return;
    this.nowMs = this.#clock.nowMs();
    if (result.ok) this.view = result.data;
  }

  async join(): Promise<void> {
    await this.#write(() => this.#deps.api.post(endpoints.joinWaitlist(this.#deps.eventId), {}));
  }

  async leave(): Promise<void> {
    await this.#write(() => this.#deps.api.delete(endpoints.leaveWaitlist(this.#deps.eventId)));
  }

  async #write(call: () => Promise<ApiResult<WaitlistView>>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.problem = null;
    const session = await this.#deps.session.ensure();
    const result = session.ok ? await call() : session;
    this.busy = false;
    if (this.#stopped) return;
    if (result.ok) this.view = result.data;
    else
      this.problem =
        result.error.code === "waitlist_unavailable"
          ? "The waiting list is open only while the sale is sold out — tickets are available now."
          : plainMessage(result.error);
  }
}
