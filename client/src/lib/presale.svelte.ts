// An event's presale as its page sees it: until when only fans with a presale code may buy, and
// whether that is now. Read once; at its end the page's own clock turns it off (no reload needed).
import type { Api } from "./api.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import * as endpoints from "./endpoints.js";

export class PresaleState {
  endsAt = $state<string | null>(null);
  open = $state(false);
  #timer: TimerHandle | null = null;

  constructor(
    private readonly api: Pick<Api, "get">,
    private readonly eventId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async load(): Promise<void> {
    const result = await this.api.get(endpoints.presale(this.eventId));
    if (!result.ok) return; // no word: the hold's answer says code_required if one is needed
    this.endsAt = result.data.endsAt;
    this.open = result.data.open;
    this.#stop();
    const left = result.data.endsAt === null ? 0 : Date.parse(result.data.endsAt) - this.clock.nowMs();
    // Timers hold at most ~24.8 days; a presale ending later is read again when the page is.
    if (this.open && left > 0 && left < 2 ** 31 - 1)
      this.#timer = this.clock.setTimeout(() => (this.open = false), left);
  }

  destroy(): void {
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
