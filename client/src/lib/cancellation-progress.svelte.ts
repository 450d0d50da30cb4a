// A cancelled event's refunds as the dashboard shows them: read now, then every few seconds while
// the server is still refunding (GET /api/admin/events/:id/cancellation); stops once done.
import type { CancellationView } from "@stampede/shared/api/cancellation";
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";

/** How often the panel asks while refunds run. */
export const cancellationPollMs = 2_000;

export interface CancellationProgressDeps {
  api: Api;
  eventId: string;
}

export class CancellationProgress {
  progress = $state.raw<CancellationView | null>(null);
  #deps: CancellationProgressDeps;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(deps: CancellationProgressDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const result = await this.#deps.api.get(endpoints.eventCancellation(this.#deps.eventId));
    if (this.#stopped) return;
    if (result.ok) this.progress = result.data;
    // Asked again while refunding, or while the answer did not come (a 404 right after a cancel elsewhere).
    if (!result.ok || result.data.status === "refunding")
      this.#timer = setTimeout(() => void this.start(), cancellationPollMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
