// One GET-shaped load with its states, for pages that show "loading…", the data, or a message.
// A newer load wins: it cancels the call before it, whose late answer is never shown.
// Pages call `load()` on mount and `cancel()` on unmount.
import type { ApiError, ApiResult } from "./api.js";

export type LoadState<T> =
  { kind: "idle" } | { kind: "loading" } | { kind: "loaded"; data: T } | { kind: "failed"; error: ApiError };

export class Loader<T> {
  /** Replaced whole on every change. */
  state = $state.raw<LoadState<T>>({ kind: "idle" });
  data = $derived(this.state.kind === "loaded" ? this.state.data : null);
  error = $derived(this.state.kind === "failed" ? this.state.error : null);
  loading = $derived(this.state.kind === "loading");

  #fetch: (signal: AbortSignal) => Promise<ApiResult<T>>;
  #inFlight: AbortController | null = null;

  constructor(fetch: (signal: AbortSignal) => Promise<ApiResult<T>>) {
    this.#fetch = fetch;
  }

  async load(): Promise<void> {
    this.#inFlight?.abort();
    const call = new AbortController();
    this.#inFlight = call;
    this.state = { kind: "loading" };
    const result = await this.#fetch(call.signal);
    if (this.#inFlight !== call) return; // cancelled or overtaken by a newer load
    this.#inFlight = null;
    this.state = result.ok ? { kind: "loaded", data: result.data } : { kind: "failed", error: result.error };
  }

  /** Stops the call in flight, if any; its answer is dropped. */
  cancel(): void {
    if (this.#inFlight === null) return;
    this.#inFlight.abort();
    this.#inFlight = null;
    this.state = { kind: "idle" };
  }
}
