// The lottery page's state: the published view (`GET /api/events/:id/lottery`), "find my id",
// and a check that runs in the visitor's own browser: the seed's SHA-256 equals the hash
// published before the draw, and ordering the published ids by HMAC-SHA256(seed, id) gives
// exactly the published order (shared/src/core/lottery.ts, the recipe the server uses).
import { lotteryOrder, seedHash } from "@stampede/shared/core/lottery";
import type { LotteryView } from "@stampede/shared/protocol";
import type { Api } from "./api.js";
import * as endpoints from "./endpoints.js";
import { Loader } from "./loader.svelte.js";

export type VerifyState =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "done"; hashMatches: boolean; orderMatches: boolean; problem: string | null }
  | { kind: "unavailable"; reason: string };

export interface LotteryRecipe {
  seedHash(seed: string): Promise<string>;
  lotteryOrder(seed: string, ids: readonly string[]): Promise<string[]>;
}

export class LotteryCheck {
  #loader: Loader<LotteryView>;
  #recipe: LotteryRecipe;
  state = $derived.by(() => this.#loader.state);
  view = $derived.by(() => this.#loader.data);
  verify = $state.raw<VerifyState>({ kind: "idle" });
  /** The id typed into "find my id". */
  query = $state("");
  /** 1-based place of the typed id in the draw, 0 when it is not in it, null before a search or a draw. */
  place = $derived.by(() => {
    const id = this.query.trim();
    const order = this.view?.order ?? null;
    if (id === "" || order === null) return null;
    return order.indexOf(id) + 1;
  });

  constructor(api: Pick<Api, "get">, eventId: string, recipe: LotteryRecipe = { seedHash, lotteryOrder }) {
    this.#recipe = recipe;
    this.#loader = new Loader((signal) => api.get(endpoints.lottery(eventId), { signal }));
  }

  load(): Promise<void> {
    return this.#loader.load();
  }

  cancel(): void {
    this.#loader.cancel();
  }

  /** Recomputes the draw here; the answer says whether the hash and the order both match. */
  async check(): Promise<void> {
    const view = this.view;
    if (view === null || view.seed === null || view.order === null) return;
    if (globalThis.crypto?.subtle === undefined) {
      this.verify = {
        kind: "unavailable",
        reason: "This browser can't run the check on this page (it needs a secure https page).",
      };
      return;
    }
    this.verify = { kind: "checking" };
    try {
      const hash = await this.#recipe.seedHash(view.seed);
      const order = await this.#recipe.lotteryOrder(view.seed, view.order);
      const orderMatches = order.length === view.order.length && order.every((id, i) => id === view.order?.[i]);
      this.verify = {
        kind: "done",
        hashMatches: view.seedHash !== null && hash === view.seedHash,
        orderMatches,
        problem: null,
      };
    } catch (error) {
      // The recipe refuses a malformed seed or duplicate ids: that is a failed check, said plainly.
      const reason = error instanceof Error ? error.message : String(error);
      this.verify = {
        kind: "done",
        hashMatches: false,
        orderMatches: false,
        problem: `The published data can't be checked: ${reason}.`,
      };
    }
  }
}
